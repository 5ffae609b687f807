// Fuzzes the parsers of untrusted message content the policy reads: the header section
// (fields, body split, stripping), the From: address-list, X-Scheduled-At and v=pl1 records.
// Invariants: stripping never grows the message and leaves no field of that name behind; a
// parsed address has a non-empty local part and domain, and re-parses to itself.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "policy/address_list.h"
#include "policy/lockdown_record.h"
#include "policy/message_headers.h"
#include "policy/scheduled_at.h"

using namespace postern::policy;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto fields = parse_header_fields(in);
  (void)message_body(in);
  std::string copy(in);
  strip_header_fields(copy, {"X-Idempotency-Key", "From"});
  if (copy.size() > in.size()) std::abort();
  if (!header_values(parse_header_fields(copy), "from").empty()) std::abort();
  for (const auto& f : fields) {
    auto list = parse_address_list(f.value);
    if (list.ok()) {
      if (list->empty()) std::abort();
      for (const auto& a : *list) {
        if (a.local.empty() || a.domain.empty()) std::abort();
        auto again = parse_address_list(a.str());
        if (!again.ok() || again->size() != 1 || (*again)[0].str() != a.str()) std::abort();
      }
    }
    (void)parse_scheduled_at(f.value);
    (void)parse_lockdown_record(f.value);
  }
  (void)parse_address_list(in);
  (void)parse_scheduled_at(in);
  return 0;
}
