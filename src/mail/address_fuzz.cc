// Fuzzes the MAIL/RCPT argument grammar: split, params, path in both UTF-8 modes.
// Invariants: a parsed address round-trips through str() and parse_mailbox, and respects the
// RFC 5321 §4.5.3.1 length limits.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mail/address.h"

using namespace postern::mail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  for (bool utf8 : {false, true}) {
    auto r = parse_path(in, {.allow_null = true, .allow_utf8 = utf8});
    if (r.ok()) {
      if (r->local.size() > kMaxLocalPart || r->domain.size() > kMaxDomain) std::abort();
      if (!r->is_null()) {
        auto again = parse_mailbox(r->str(), utf8);
        if (!again.ok() || !(*again == *r)) std::abort();
      }
      if (!utf8 && !is_valid_utf8(r->str())) std::abort();
    }
  }
  if (auto split = split_path_and_params(in)) {
    if (split->path.front() != '<' || split->path.back() != '>') std::abort();
    auto params = parse_esmtp_params(split->params);
    if (params.ok())
      for (auto& p : *params)
        if (p.keyword.empty() || (p.value && p.value->empty())) std::abort();
  }
  (void)lower_domain(in);
  return 0;
}
