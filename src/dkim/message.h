// The header section of a message as DKIM sees it (RFC 5322 §2.2, RFC 6376 §5.4): fields in
// order with their raw (possibly folded) text, and the body after the first empty line.
// Lines end in CRLF; a bare LF is accepted as a line end too. Views into the caller's buffer,
// which must outlive them. Pure, thread-safe.
#pragma once
#include <optional>
#include <string_view>
#include <vector>

namespace postern::dkim {

struct HeaderField {
  std::string_view name;   // as written, without the WSP before ':'
  std::string_view value;  // everything after ':', folds included, without the final line end
};

struct ParsedMessage {
  std::vector<HeaderField> headers;  // top to bottom; lines without ':' are skipped
  std::string_view body;             // after the empty line; "" when there is none
};

ParsedMessage parse_message(std::string_view message);

// Case-insensitive ASCII comparison of header names.
bool same_name(std::string_view a, std::string_view b);

// The value of the only field `name`; nullopt when absent or present more than once.
std::optional<std::string_view> single_field(const ParsedMessage& m, std::string_view name);

}  // namespace postern::dkim
