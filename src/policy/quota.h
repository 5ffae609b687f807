// Quotas (F10): messages per UTC day, per UTC month or in total, each recipient counting one;
// 0 = unlimited (usage is still counted, for `user show`). MAIL FROM refuses cheaply when the
// period's quota is already used up; end of DATA charges envelope.recipients.size() atomically
// in the store (all or nothing: a message that does not fit is refused whole) and not_queued()
// refunds it. Refusal: 452 4.7.1 (quota_action tempfail) or 550 5.7.1 (reject). Thread-safe.
#pragma once
#include "policy/checks.h"
#include "storage/store.h"

namespace postern::policy {

Decision quota_refusal(const storage::SmtpUser& user, const std::string& detail);

class QuotaPrecheck final : public MailFromCheck {
 public:
  QuotaPrecheck(storage::PolicyStore& store, const Clock& clock);
  Decision check(const Submission& s, const std::string& mail_from) override;

 private:
  storage::PolicyStore& store_;
  const Clock& clock_;
};

class QuotaCharge final : public DataCheck {
 public:
  QuotaCharge(storage::PolicyStore& store, const Clock& clock);
  Decision check(DataContext& ctx) override;

 private:
  storage::PolicyStore& store_;
  const Clock& clock_;
};

}  // namespace postern::policy
