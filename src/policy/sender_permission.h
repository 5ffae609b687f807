// Sender permission (F8): may this SMTP user send as this domain? Modes are cumulative:
//   assigned  the user's assigned domains (exact names: subdomains are NOT implied);
//   account   + every verified domain (SPF, DKIM and DMARC checked) of the user's account;
//   any       + any domain whose SPF record includes the relay's include host.
// Checked on the envelope sender at MAIL FROM (the null sender <> passes there: it carries
// bounces and auto-replies, and its header From: is checked at end of DATA) and on every
// address of every From: header at end of DATA. Thread-safe; may block on the store and DNS.
#pragma once
#include <memory>
#include <string>

#include "policy/checks.h"
#include "policy/spf_authorization.h"
#include "storage/domain_store.h"

namespace postern::policy {

class SenderPermission {
 public:
  SenderPermission(storage::DomainStore& domains, std::unique_ptr<SpfAuthorization> spf);
  // Accepts, or refuses with `550 5.7.1 [ACL]` (reason "acl", with a ref) or, when DNS could
  // not answer for mode `any`, `451 4.4.3` (reason "dns_tempfail").
  Decision permits(const storage::SmtpUser& user, const std::string& domain) const;

 private:
  storage::DomainStore& domains_;
  std::unique_ptr<SpfAuthorization> spf_;
};

// The ACL refusal for `domain` (also used for From: headers that cannot be read).
Decision acl_refusal(const storage::SmtpUser& user, const std::string& domain,
                     const std::string& why);

class MailFromPermission final : public MailFromCheck {
 public:
  explicit MailFromPermission(std::shared_ptr<const SenderPermission> permission);
  Decision check(const Submission& s, const std::string& mail_from) override;

 private:
  std::shared_ptr<const SenderPermission> permission_;
};

// RFC 5322 allows one From: field; every field and every address in it is checked, so a
// second From: or a second mailbox cannot smuggle a foreign domain past the check. A message
// without From: passes when the envelope sender (already checked) is not null.
class HeaderFromPermission final : public DataCheck {
 public:
  explicit HeaderFromPermission(std::shared_ptr<const SenderPermission> permission);
  Decision check(DataContext& ctx) override;

 private:
  std::shared_ptr<const SenderPermission> permission_;
};

}  // namespace postern::policy
