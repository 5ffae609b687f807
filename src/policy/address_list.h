// The address-list of a From: header field (RFC 5322 §3.4, §3.6.2), parsed to the addr-specs
// the sender checks compare: display names, comments (nested), quoted local parts, obsolete
// routes and groups are understood and dropped. The input is untrusted: every syntax error is
// an Error, never a guess. Pure functions; thread-safe.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace postern::policy {

struct HeaderAddress {
  std::string local;   // as written (a quoted local part keeps its quotes)
  std::string domain;  // lower-case ASCII, no trailing dot; a domain literal keeps its brackets
  bool domain_literal = false;
  std::string str() const { return local + "@" + domain; }
};

// An unfolded field value, e.g. `"Doe, J." <j@example.com>, (ops) ops@example.org`.
// Error when it is malformed or names no address at all (e.g. an empty group).
Result<std::vector<HeaderAddress>> parse_address_list(std::string_view value);

}  // namespace postern::policy
