// The domain of the header From: address (RFC 5322 §3.6.2, §3.4): the d= a signature must
// carry to align with DMARC. Understands display names, quoted strings, comments, angle
// addresses, groups and folding; anything it cannot read safely yields nullopt (not signed).
// Pure, thread-safe.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "dkim/message.h"

namespace postern::dkim {

// The lower-case domain of the From: value (raw text after the colon), when every mailbox
// in it has the same, valid domain; nullopt otherwise (no address, domain literals, mixed).
std::optional<std::string> from_domain(std::string_view from_value);

// The same for a message: nullopt also when it has no From: field or more than one.
std::optional<std::string> from_domain(const ParsedMessage& message);

}  // namespace postern::dkim
