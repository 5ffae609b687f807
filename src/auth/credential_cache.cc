#include "auth/credential_cache.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <stdexcept>

#include "base/random.h"

namespace postern::auth {
namespace {

// Length-prefixed, so that no two different field tuples produce the same input.
void append_field(std::string& out, std::string_view field) {
  const std::uint64_t n = field.size();
  for (int i = 0; i < 8; ++i) out += static_cast<char>((n >> (8 * i)) & 0xff);
  out.append(field);
}

}  // namespace

CredentialCache::CredentialCache(std::size_t capacity, Millis ttl_ms)
    : process_key_(random_bytes(32)), capacity_(capacity), ttl_ms_(ttl_ms) {}

std::string CredentialCache::key_for(const storage::SmtpUser& user, std::string_view hash,
                                     std::string_view password) const {
  std::string input;
  input.reserve(64 + user.uuid.size() + hash.size() + password.size());
  append_field(input, user.uuid);
  append_field(input, std::to_string(user.version));
  append_field(input, hash);
  append_field(input, password);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  const unsigned char* ok =
      HMAC(EVP_sha256(), process_key_.data(), static_cast<int>(process_key_.size()),
           reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &mac_len);
  OPENSSL_cleanse(input.data(), input.size());  // it held the password
  if (!ok) throw std::runtime_error("HMAC-SHA256 failed");
  return std::string(reinterpret_cast<const char*>(mac), mac_len);
}

bool CredentialCache::contains(const storage::SmtpUser& user, std::string_view hash,
                               std::string_view password, Millis now) {
  if (hash.empty()) return false;
  const std::string key = key_for(user, hash, password);
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return false;
  if (it->second->second <= now) {  // expired: forget it
    lru_.erase(it->second);
    index_.erase(it);
    return false;
  }
  lru_.splice(lru_.begin(), lru_, it->second);  // most recently used to the front
  return true;
}

void CredentialCache::insert(const storage::SmtpUser& user, std::string_view hash,
                             std::string_view password, Millis now) {
  if (capacity_ == 0 || hash.empty()) return;
  std::string key = key_for(user, hash, password);
  std::lock_guard lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    it->second->second = now + ttl_ms_;
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.emplace_front(key, now + ttl_ms_);
  index_.emplace(std::move(key), lru_.begin());
  while (lru_.size() > capacity_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

void CredentialCache::clear() {
  std::lock_guard lock(mu_);
  index_.clear();
  lru_.clear();
}

std::size_t CredentialCache::size() const {
  std::lock_guard lock(mu_);
  return lru_.size();
}

}  // namespace postern::auth
