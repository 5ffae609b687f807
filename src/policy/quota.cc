#include "policy/quota.h"

#include "policy/rate.h"
#include "smtp/replies.h"

namespace postern::policy {

Decision quota_refusal(const storage::SmtpUser& user, const std::string& detail) {
  return Decision::refuse(user.quota_action == "reject" ? smtp::replies::quota_exceeded_reject()
                                                        : smtp::replies::quota_exceeded_tempfail(),
                          "quota", detail);
}

QuotaPrecheck::QuotaPrecheck(storage::PolicyStore& store, const Clock& clock)
    : store_(store), clock_(clock) {}

Decision QuotaPrecheck::check(const Submission& s, const std::string&) {
  if (s.user.quota <= 0) return Decision::accept();
  const Millis start = quota_period_start(s.user.quota_period, clock_.now_ms());
  const storage::QuotaUsage usage = store_.quota_usage(s.user.id, start);
  if (usage.used < s.user.quota) return Decision::accept();
  return quota_refusal(s.user, "quota " + std::to_string(s.user.quota) + "/" +
                                   s.user.quota_period + " used up (" +
                                   std::to_string(usage.used) + ")");
}

QuotaCharge::QuotaCharge(storage::PolicyStore& store, const Clock& clock)
    : store_(store), clock_(clock) {}

Decision QuotaCharge::check(DataContext& ctx) {
  const storage::SmtpUser& user = ctx.submission.user;
  const auto n = static_cast<std::int64_t>(ctx.envelope.recipients.size());
  const Millis start = quota_period_start(user.quota_period, clock_.now_ms());
  auto charge = store_.charge_quota(user.id, start, n, user.quota);
  if (!charge) throw storage::StoreError(charge.error().message);
  if (!charge->charged)
    return quota_refusal(user, std::to_string(n) + " recipient(s) would pass quota " +
                                   std::to_string(user.quota) + "/" + user.quota_period +
                                   " (used " + std::to_string(charge->usage.used) + ")");
  ctx.pending.quota_charged = n;
  ctx.pending.quota_period_start = start;
  return Decision::accept();
}

}  // namespace postern::policy
