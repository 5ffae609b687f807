#include "policy/sender_permission.h"

#include <algorithm>

#include "base/encoding.h"
#include "base/random.h"
#include "smtp/replies.h"

namespace postern::policy {
namespace {

std::string normalize_domain(std::string d) {
  for (char& c : d)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  while (!d.empty() && d.back() == '.') d.pop_back();
  return d;
}

}  // namespace

std::string new_ref() { return hex_encode(random_bytes(4)); }

Decision acl_refusal(const storage::SmtpUser& user, const std::string& domain,
                     const std::string& why) {
  std::string ref = new_ref();
  return Decision::refuse(smtp::replies::acl_blocked(domain, ref), "acl",
                          "ref " + ref + ": sender domain " + domain + " not permitted for " +
                              user.username + " (mode " + user.mode + "): " + why);
}

SenderPermission::SenderPermission(storage::DomainStore& domains,
                                   std::unique_ptr<SpfAuthorization> spf)
    : domains_(domains), spf_(std::move(spf)) {}

Decision SenderPermission::permits(const storage::SmtpUser& user, const std::string& raw) const {
  const std::string domain = normalize_domain(raw);
  if (std::find(user.domains.begin(), user.domains.end(), domain) != user.domains.end())
    return Decision::accept();
  if (user.mode == "assigned") return acl_refusal(user, domain, "not an assigned domain");

  auto owned = domains_.domain_of_account(user.account_name, domain);
  if (owned && owned->verified()) return Decision::accept();
  const std::string not_account =
      owned ? "a domain of the account, not verified" : "not a domain of the account";
  if (user.mode != "any") return acl_refusal(user, domain, not_account);

  if (!spf_) return acl_refusal(user, domain, not_account + "; SPF not checked");
  SpfResult spf = spf_->check(domain);
  switch (spf.verdict) {
    case SpfVerdict::Authorised:
      return Decision::accept();
    case SpfVerdict::TempError:
      return Decision::refuse(
          smtp::make_reply(451, "4.4.3",
                           "Temporary DNS failure checking the sender domain, try again later"),
          "dns_tempfail", spf.detail);
    case SpfVerdict::NotAuthorised:
      break;
  }
  return acl_refusal(user, domain, not_account + "; " + spf.detail);
}

MailFromPermission::MailFromPermission(std::shared_ptr<const SenderPermission> permission)
    : permission_(std::move(permission)) {}

Decision MailFromPermission::check(const Submission& s, const std::string& mail_from) {
  if (mail_from.empty()) return Decision::accept();  // <>: the header From: decides
  const auto at = mail_from.rfind('@');
  if (at == std::string::npos) return acl_refusal(s.user, mail_from, "no domain");
  std::string domain = mail_from.substr(at + 1);
  if (!domain.empty() && domain.front() == '[')
    return acl_refusal(s.user, domain, "an address literal is not a sender domain");
  return permission_->permits(s.user, domain);
}

HeaderFromPermission::HeaderFromPermission(std::shared_ptr<const SenderPermission> permission)
    : permission_(std::move(permission)) {}

Decision HeaderFromPermission::check(DataContext& ctx) {
  const storage::SmtpUser& user = ctx.submission.user;
  std::vector<std::string> fields = header_values(ctx.headers, "From");
  if (fields.empty()) {
    if (ctx.envelope.mail_from.empty())
      return acl_refusal(user, "(none)", "null envelope sender and no From: header");
    return Decision::accept();
  }
  for (const std::string& field : fields) {
    auto addresses = parse_address_list(field);
    if (!addresses)
      return acl_refusal(user, "(unreadable From header)",
                         "From: header cannot be parsed: " + addresses.error().message);
    for (auto& a : *addresses) ctx.header_from.push_back(std::move(a));
  }
  std::vector<std::string> checked;
  for (const HeaderAddress& a : ctx.header_from) {
    if (!ctx.result.header_from.empty()) ctx.result.header_from += ",";
    ctx.result.header_from += a.str();
    if (std::find(checked.begin(), checked.end(), a.domain) != checked.end()) continue;
    checked.push_back(a.domain);
    if (a.domain_literal)
      return acl_refusal(user, a.domain, "an address literal is not a sender domain");
    Decision d = permission_->permits(user, a.domain);
    if (!d.accepted) return d;
  }
  return Decision::accept();
}

}  // namespace postern::policy
