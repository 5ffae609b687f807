// The header section of a submitted message (RFC 5322 §2.2): field lookup with unfolding, and
// removal of fields the relay consumes (X-Idempotency-Key, X-Scheduled-At). The message is
// the DATA content with CRLF line endings; the header section ends at the first empty line
// (never earlier: a malformed line is skipped, so no later field can hide from the checks).
// Pure functions over untrusted input; thread-safe.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postern::policy {

struct HeaderField {
  std::string name;   // as written (compare case-insensitively)
  std::string value;  // unfolded (CRLF before WSP removed), leading/trailing WSP trimmed
};

std::vector<HeaderField> parse_header_fields(std::string_view message);
// Every field named `name` (ASCII case-insensitive), in order.
std::vector<std::string> header_values(const std::vector<HeaderField>& fields,
                                       std::string_view name);
// The body: what follows the first empty line ("" when there is none).
std::string_view message_body(std::string_view message);
// Removes every field named one of `names` (with its continuation lines) from the header
// section; the body is untouched. Returns how many fields were removed.
int strip_header_fields(std::string& message, const std::vector<std::string_view>& names);

bool iequals(std::string_view a, std::string_view b);

}  // namespace postern::policy
