// API keys for the HTTP API (issue 5): "pk_" + 43 base64url characters (256 random bits).
// Only hash_api_key(key) = hex(SHA-256(key)) is stored; with 256 bits of entropy a slow hash
// adds nothing (there is no dictionary to guess from). Pure except for the randomness.
#pragma once
#include <string>
#include <string_view>

namespace postern::auth {

std::string generate_api_key();
std::string hash_api_key(std::string_view key);
// The first 12 characters, shown in lists ("pk_AbCdEfGhI").
std::string api_key_prefix(std::string_view key);
// Well-formed: "pk_" + 43 base64url characters.
bool looks_like_api_key(std::string_view key);

}  // namespace postern::auth
