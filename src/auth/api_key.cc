#include "auth/api_key.h"

#include <openssl/sha.h>

#include "base/encoding.h"
#include "base/random.h"

namespace postern::auth {

namespace {
bool base64url_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}
}  // namespace

std::string generate_api_key() {
  std::string b64 = base64_encode(random_bytes(32));  // 44 chars, one '=' of padding
  std::string key = "pk_";
  for (char c : b64) {
    if (c == '=') continue;
    key.push_back(c == '+' ? '-' : c == '/' ? '_' : c);
  }
  return key;
}

std::string hash_api_key(std::string_view key) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest);
  return hex_encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string api_key_prefix(std::string_view key) { return std::string(key.substr(0, 12)); }

bool looks_like_api_key(std::string_view key) {
  if (key.size() != 46 || key.substr(0, 3) != "pk_") return false;
  for (char c : key.substr(3))
    if (!base64url_char(c)) return false;
  return true;
}

}  // namespace postern::auth
