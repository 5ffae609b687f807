// api::SessionStore: the dashboard's login sessions, in memory (a restart logs everyone out).
// A session is created from a valid API key and acts with that key's rights; it holds the
// key's hash so that each request can check the key still exists (revoking a key ends its
// sessions at once). Ids and CSRF tokens are 256 random bits, base64url; the map is keyed by
// SHA-256 of the id, so a lookup's timing says nothing about live ids. Thread-safe (a mutex).
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "base/time.h"
#include "storage/control_store.h"

namespace postern::api {

inline constexpr Millis kSessionLifetimeMs = 12 * 3600 * 1000;
inline constexpr char kSessionCookie[] = "postern_session";

struct Session {
  std::string id;  // the cookie value (only in the creating answer and in the map's values)
  std::int64_t key_id = 0;
  std::string key_hash;
  std::string key_name;
  std::string account;  // "" = admin
  std::string csrf_token;
  Millis expires_at = 0;
};

// 32 random bytes as base64url without padding (43 characters).
std::string random_token();

class SessionStore {
 public:
  explicit SessionStore(const Clock& clock, std::size_t max_sessions = 10000);
  Session create(const storage::ApiKey& key);
  // The live session with that id; an expired one is dropped.
  std::optional<Session> find(const std::string& id);
  void remove(const std::string& id);
  std::size_t size();

 private:
  void drop_expired(Millis now);  // with mu_ held
  const Clock& clock_;
  const std::size_t max_sessions_;
  std::mutex mu_;
  std::map<std::string, Session> sessions_;  // SHA-256(id) hex -> session
};

}  // namespace postern::api
