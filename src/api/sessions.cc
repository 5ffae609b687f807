#include "api/sessions.h"

#include <algorithm>

#include "auth/api_key.h"
#include "base/encoding.h"
#include "base/random.h"

namespace postern::api {

std::string random_token() {
  std::string out;
  for (char c : base64_encode(random_bytes(32))) {
    if (c == '=') continue;
    out.push_back(c == '+' ? '-' : c == '/' ? '_' : c);
  }
  return out;
}

SessionStore::SessionStore(const Clock& clock, std::size_t max_sessions)
    : clock_(clock), max_sessions_(max_sessions) {}

Session SessionStore::create(const storage::ApiKey& key) {
  Session s;
  s.id = random_token();
  s.key_id = key.id;
  s.key_hash = key.key_hash;
  s.key_name = key.name;
  s.account = key.account;
  s.csrf_token = random_token();
  const Millis now = clock_.now_ms();
  s.expires_at = now + kSessionLifetimeMs;
  std::lock_guard lock(mu_);
  drop_expired(now);
  if (sessions_.size() >= max_sessions_) {
    // Full of live sessions: the one closest to expiry makes room.
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
      return a.second.expires_at < b.second.expires_at;
    });
    sessions_.erase(oldest);
  }
  sessions_[auth::hash_api_key(s.id)] = s;
  return s;
}

std::optional<Session> SessionStore::find(const std::string& id) {
  const std::string hash = auth::hash_api_key(id);
  std::lock_guard lock(mu_);
  auto it = sessions_.find(hash);
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expires_at <= clock_.now_ms()) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void SessionStore::remove(const std::string& id) {
  const std::string hash = auth::hash_api_key(id);
  std::lock_guard lock(mu_);
  sessions_.erase(hash);
}

std::size_t SessionStore::size() {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

void SessionStore::drop_expired(Millis now) {
  std::erase_if(sessions_, [now](const auto& entry) { return entry.second.expires_at <= now; });
}

}  // namespace postern::api
