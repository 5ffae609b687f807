#include "api/auth.h"

#include "api/errors.h"
#include "auth/api_key.h"
#include "base/secret.h"
#include "cli/user_settings.h"

namespace postern::api {
namespace {

constexpr Millis kTouchIntervalMs = 60'000;

bool safe_method(const std::string& method) { return method == "GET" || method == "HEAD"; }

// "Bearer <token>" (scheme case-insensitive, RFC 9110 §11.1); nullopt for another scheme.
std::optional<std::string> bearer_token(const std::string& header) {
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return std::nullopt;
  std::string token = header.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.erase(token.begin());
  while (!token.empty() && token.back() == ' ') token.pop_back();
  return token;
}

Caller caller_of(const storage::ApiKey& key) {
  Caller c;
  c.admin = key.account.empty();
  c.account = key.account;
  c.key_name = key.name;
  c.key_id = key.id;
  return c;
}

}  // namespace

Authenticator::Authenticator(storage::Store& store, const Clock& clock, SessionStore& sessions)
    : store_(store), clock_(clock), sessions_(sessions) {}

std::optional<storage::ApiKey> Authenticator::find_key(const std::string& raw_key) {
  if (!auth::looks_like_api_key(raw_key)) return std::nullopt;
  auto key = store_.find_api_key_by_hash(auth::hash_api_key(raw_key));
  if (!key || key->revoked_at != 0) return std::nullopt;
  return key;
}

void Authenticator::touch(const storage::ApiKey& key) {
  const Millis now = clock_.now_ms();
  {
    std::lock_guard lock(mu_);
    Millis& last = touched_[key.id];
    if (last != 0 && now - last < kTouchIntervalMs) return;
    last = now;
  }
  store_.touch_api_key(key.id, now);
}

Caller Authenticator::authenticate(const http::Request& request) {
  const std::string authorization = request.header("authorization");
  if (!authorization.empty()) {
    auto token = bearer_token(authorization);
    if (!token) fail(401, "use Authorization: Bearer <api key>");
    auto key = find_key(*token);
    if (!key) fail(401, "invalid API key");
    touch(*key);
    return caller_of(*key);
  }
  auto cookie = request.cookie(kSessionCookie);
  if (!cookie) fail(401, "authentication required: an API key (Authorization: Bearer) or a session");
  auto session = sessions_.find(*cookie);
  if (!session) fail(401, "session expired or unknown: log in again");
  // The key may have been revoked since the login: its sessions end with it.
  auto key = store_.find_api_key_by_hash(session->key_hash);
  if (!key || key->revoked_at != 0 || key->id != session->key_id) {
    sessions_.remove(*cookie);
    fail(401, "the session's API key was revoked: log in again");
  }
  if (!safe_method(request.method) &&
      !constant_time_equal(request.header("x-csrf-token"), session->csrf_token))
    fail(403, "missing or wrong X-CSRF-Token");
  touch(*key);
  Caller c = caller_of(*key);
  c.session = std::move(session);
  return c;
}

void require_admin(const Caller& caller) {
  if (!caller.admin) fail(403, "this needs an admin API key");
}

void require_owner(const Caller& caller, const std::string& account) {
  if (!caller.owns(account)) fail(403, "not allowed: the object belongs to another account");
}

std::optional<std::string> scope_account(storage::Store& store, const Caller& caller,
                                         const std::optional<std::string>& requested) {
  if (!caller.admin) {
    if (requested && !requested->empty()) {
      std::string name = value_or_fail(cli::normalize_account_name(*requested), 422);
      require_owner(caller, name);
    }
    return caller.account;
  }
  if (!requested || requested->empty()) return std::nullopt;
  std::string name = value_or_fail(cli::normalize_account_name(*requested), 422);
  if (!store.find_account(name)) fail(404, "no such account: " + name);
  return name;
}

std::string required_account(storage::Store& store, const Caller& caller,
                             const std::optional<std::string>& requested, const char* what) {
  auto account = scope_account(store, caller, requested);
  if (!account) fail(422, std::string(what) + " is required with an admin key");
  return *account;
}

std::optional<std::string> query_param(const http::Request& request, const std::string& name) {
  auto it = request.query.find(name);
  if (it == request.query.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

}  // namespace postern::api
