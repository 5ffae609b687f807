// Does a domain's SPF record (RFC 7208) authorise this relay? Sender mode `any` (F8) asks
// whether the record reaches the relay's include host (config `spf_include`) through
// "include:" (pass qualifier) and "redirect=", nested, in evaluation order: an "all" before it
// ends the search, and every DNS-querying term met on the way counts toward the 10-lookup
// limit of §4.6.4 (past it a receiver would answer permerror, so the answer is no).
// IP mechanisms are not evaluated. Blocks on DNS; thread-safe if the resolver is.
#pragma once
#include <string>

#include "dns/resolver.h"

namespace postern::policy {

enum class SpfVerdict { Authorised, NotAuthorised, TempError };

struct SpfResult {
  SpfVerdict verdict = SpfVerdict::NotAuthorised;
  std::string detail;  // for operators: why not, or the chain that authorised
};

inline constexpr int kSpfMaxLookups = 10;  // RFC 7208 §4.6.4

class SpfAuthorization {
 public:
  SpfAuthorization(dns::Resolver& resolver, std::string include_host);
  SpfResult check(const std::string& domain) const;
  const std::string& include_host() const { return include_host_; }

 private:
  dns::Resolver& resolver_;
  std::string include_host_;  // lower-case, no trailing dot
};

}  // namespace postern::policy
