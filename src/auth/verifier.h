// auth::CredentialVerifier decides an AUTH attempt after the SASL exchange: user found, not
// deleted, not disabled, account not suspended, password (or grace password) matches, then
// the source IP against the allow list — in that order (../shared/spec/replies.md).
// verify() blocks (Argon2id, store reads): call it off the event loop. Thread-safe.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "auth/credential_cache.h"
#include "base/secret.h"
#include "base/time.h"
#include "storage/store.h"

namespace postern::auth {

enum class AuthReason {
  Ok,
  PreviousPassword,
  UnknownUser,
  BadPassword,
  StalePassword,
  UserDisabled,
  UserDeleted,
  AccountSuspended,
  IpNotAllowed,
  MechanismUnsupported,
  TlsRequired,
  Malformed,
  Cancelled,
  Throttled,
};
// The log names of interface.md: "ok", "previous_password", "unknown_user", ...
const char* to_string(AuthReason reason);

struct AuthRequest {
  std::string username;  // as sent
  Secret password;
  std::string client_ip;  // textual, as seen by the listener (after PROXY, later)
};

struct AuthVerdict {
  AuthReason reason = AuthReason::UnknownUser;
  bool granted = false;   // true for Ok, PreviousPassword, and report-only IP misses
  bool enforced = true;   // false when an allow-list miss was only reported
  std::optional<storage::SmtpUser> user;  // set when the user was found
  std::vector<std::string> hints;  // "username_has_at", "leading_whitespace", "trailing_whitespace"
  std::string detail;              // e.g. "nearest allowed entry 192.0.2.0/24"
};

class CredentialVerifier {
 public:
  CredentialVerifier(storage::Store& store, CredentialCache& cache, const Clock& clock);
  AuthVerdict verify(const AuthRequest& request);
  // The verdict when it needs no Argon2id: an active user whose password (current or
  // previous) is in the credential cache. Otherwise nullopt, and verify() decides (unknown
  // users, refusals and wrong passwords always pay the full hash, so their timing matches).
  // Blocks on store reads only: the session runs it on the blocking pool, so a logged-in
  // app's AUTH never queues behind the Argon2id checks of a flood (bench T4).
  std::optional<AuthVerdict> verify_cached(const AuthRequest& request);

 private:
  storage::Store& store_;
  CredentialCache& cache_;
  const Clock& clock_;
};

}  // namespace postern::auth
