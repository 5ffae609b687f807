// auth::CredentialCache remembers that a password matched a user's hash, so that repeated
// logins do not pay Argon2id (~80 ms) again. It never holds a plaintext: the key is
// HMAC-SHA256 under a per-process random key over (user uuid, row version, hash, password),
// so any change to the user (which bumps its version) misses at once. Bounded LRU with a TTL.
// Thread-safe.
#pragma once
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/time.h"
#include "storage/records.h"

namespace postern::auth {

class CredentialCache {
 public:
  explicit CredentialCache(std::size_t capacity = 100000, Millis ttl_ms = 3600 * 1000);
  bool contains(const storage::SmtpUser& user, std::string_view hash, std::string_view password,
                Millis now);
  void insert(const storage::SmtpUser& user, std::string_view hash, std::string_view password,
              Millis now);
  void clear();
  std::size_t size() const;

 private:
  std::string key_for(const storage::SmtpUser& user, std::string_view hash,
                      std::string_view password) const;
  std::string process_key_;
  std::size_t capacity_;
  Millis ttl_ms_;
  mutable std::mutex mu_;
  std::list<std::pair<std::string, Millis>> lru_;  // front = newest; (key, expiry)
  std::unordered_map<std::string, std::list<std::pair<std::string, Millis>>::iterator> index_;
};

}  // namespace postern::auth
