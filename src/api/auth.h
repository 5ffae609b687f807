// Who is calling: api::Caller, made by api::Authenticator from `Authorization: Bearer <key>`
// or the dashboard session cookie (docs/api.md "Authentication"), and the ownership checks
// every handler makes with it. An account key reaches only its own account's objects: the
// checks throw Failure 403 otherwise. Thread-safe.
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "api/sessions.h"
#include "base/time.h"
#include "http/message.h"
#include "storage/store.h"

namespace postern::api {

struct Caller {
  bool admin = false;
  std::string account;  // the account of an account key; "" for an admin key
  std::string key_name;
  std::int64_t key_id = 0;
  std::optional<Session> session;  // set when authenticated by the cookie

  // An admin key owns everything; an account key its account's objects (never an object of
  // no account, and a Caller of a public route, with no key, owns nothing).
  bool owns(const std::string& object_account) const {
    return admin || (!account.empty() && object_account == account);
  }
};

class Authenticator {
 public:
  Authenticator(storage::Store& store, const Clock& clock, SessionStore& sessions);
  // The caller, or Failure 401 (no or bad credentials) / 403 (cookie without its CSRF token
  // on a method other than GET/HEAD). A Bearer header wins over a cookie.
  Caller authenticate(const http::Request& request);
  // The live key, or nullopt (malformed or unknown).
  std::optional<storage::ApiKey> find_key(const std::string& raw_key);
  // Records use of the key, at most once a minute per key (best effort).
  void touch(const storage::ApiKey& key);

 private:
  storage::Store& store_;
  const Clock& clock_;
  SessionStore& sessions_;
  std::mutex mu_;
  std::map<std::int64_t, Millis> touched_;  // key id -> last touch_api_key
};

// Failure 403 unless the caller is an admin key.
void require_admin(const Caller& caller);
// Failure 403 unless the caller may act on objects of `account`.
void require_owner(const Caller& caller, const std::string& account);

// The account a list or a create acts on, from a request's ?account= or a body's "account":
// an account key gets its own (naming another is 403); an admin key gets what it named
// (normalized, 422 when invalid, 404 when unknown), or nullopt when it named none.
std::optional<std::string> scope_account(storage::Store& store, const Caller& caller,
                                         const std::optional<std::string>& requested);
// As scope_account, but an admin key must name one (422 "<what> is required").
std::string required_account(storage::Store& store, const Caller& caller,
                             const std::optional<std::string>& requested, const char* what);
// The ?name= query parameter, or nullopt when absent or empty.
std::optional<std::string> query_param(const http::Request& request, const std::string& name);

}  // namespace postern::api
