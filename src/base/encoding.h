// Base64 (RFC 4648, strict: padding required, no whitespace) and hex. Pure functions.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace postern {

std::string base64_encode(std::string_view bytes);
// nullopt for anything that is not canonical base64 (wrong alphabet, length, padding).
std::optional<std::string> base64_decode(std::string_view text);
std::string hex_encode(std::string_view bytes);

}  // namespace postern
