#include "auth/verifier.h"

#include "auth/password_hash.h"
#include "policy/ip_allow_list.h"
#include "storage/names.h"

namespace postern::auth {
namespace {

bool is_space_at_start(std::string_view s) {
  if (s.empty()) return false;
  if (std::string_view(" \t\r\n\v\f").find(s.front()) != std::string_view::npos) return true;
  return s.substr(0, 2) == "\xc2\xa0";  // U+00A0 NO-BREAK SPACE, pasted from documents
}

bool is_space_at_end(std::string_view s) {
  if (s.empty()) return false;
  if (std::string_view(" \t\r\n\v\f").find(s.back()) != std::string_view::npos) return true;
  return s.size() >= 2 && s.substr(s.size() - 2) == "\xc2\xa0";
}

// Diagnostics for the common client mistakes (PRODUCT.md F18). They name the mistake, never
// the password.
std::vector<std::string> hints_for(std::string_view username, std::string_view password) {
  std::vector<std::string> hints;
  if (username.find('@') != std::string_view::npos) hints.emplace_back("username_has_at");
  if (is_space_at_start(password)) hints.emplace_back("leading_whitespace");
  if (is_space_at_end(password)) hints.emplace_back("trailing_whitespace");
  return hints;
}

enum class PasswordMatch { None, Current, Previous };

}  // namespace

const char* to_string(AuthReason reason) {
  switch (reason) {
    case AuthReason::Ok: return "ok";
    case AuthReason::PreviousPassword: return "previous_password";
    case AuthReason::UnknownUser: return "unknown_user";
    case AuthReason::BadPassword: return "bad_password";
    case AuthReason::StalePassword: return "stale_password";
    case AuthReason::UserDisabled: return "user_disabled";
    case AuthReason::UserDeleted: return "user_deleted";
    case AuthReason::AccountSuspended: return "account_suspended";
    case AuthReason::IpNotAllowed: return "ip_not_allowed";
    case AuthReason::MechanismUnsupported: return "mechanism_unsupported";
    case AuthReason::TlsRequired: return "tls_required";
    case AuthReason::Malformed: return "malformed";
    case AuthReason::Cancelled: return "cancelled";
    case AuthReason::Throttled: return "throttled";
  }
  return "unknown_user";
}

CredentialVerifier::CredentialVerifier(storage::Store& store, CredentialCache& cache,
                                       const Clock& clock)
    : store_(store), cache_(cache), clock_(clock) {}

namespace {

// One hash check through the cache: a hit costs an HMAC, a miss costs Argon2id and, when the
// password matched, fills the cache.
bool matches(CredentialCache& cache, const storage::SmtpUser& user, const std::string& hash,
             std::string_view password, Millis now) {
  if (hash.empty()) return false;
  if (cache.contains(user, hash, password, now)) return true;
  if (!verify_password(hash, password)) return false;
  cache.insert(user, hash, password, now);
  return true;
}

std::optional<AuthReason> status_refusal(const storage::SmtpUser& user) {
  if (user.status == storage::UserStatus::Deleted) return AuthReason::UserDeleted;
  if (user.status == storage::UserStatus::Disabled) return AuthReason::UserDisabled;
  if (user.account_status == storage::AccountStatus::Suspended)
    return AuthReason::AccountSuspended;
  return std::nullopt;
}

// The allow-list step, for a verdict that was granted on the credentials.
void check_source_ip(const storage::SmtpUser& user, const std::string& client_ip,
                     AuthVerdict& v) {
  if (user.allow_ips.empty()) return;
  auto list = policy::IpAllowList::parse(user.allow_ips);
  auto ip = policy::parse_ip(client_ip);
  std::string miss;
  if (!list) {
    miss = "the user's IP allow list cannot be read (" + list.error().message + ")";
  } else if (!ip) {
    miss = "the client address is not an IP address";
  } else if (list->allows(*ip)) {
    return;
  } else {
    auto nearest = list->nearest(*ip);
    miss = "IP " + ip->str() + " is not on the allow list; " +
           (nearest ? "nearest allowed entry " + *nearest
                    : std::string("no allowed entry of the same address family"));
  }
  if (user.allow_ip_mode == "report" && list) {
    v.enforced = false;  // granted stays true: report-only (PRODUCT.md F25)
    v.detail = "report-only: would be refused: " + miss;
    return;
  }
  v.reason = AuthReason::IpNotAllowed;
  v.granted = false;
  v.detail = miss;
}

}  // namespace

std::optional<AuthVerdict> CredentialVerifier::verify_cached(const AuthRequest& request) {
  if (!storage::validate_username(request.username)) return std::nullopt;
  std::optional<storage::SmtpUser> user = store_.find_user(request.username);
  if (!user || status_refusal(*user)) return std::nullopt;
  const std::string_view password = request.password.reveal();
  const Millis now = clock_.now_ms();
  AuthVerdict v;
  if (!user->password_hash.empty() && cache_.contains(*user, user->password_hash, password, now)) {
    v.reason = AuthReason::Ok;
  } else if (!user->previous_password_hash.empty() &&
             cache_.contains(*user, user->previous_password_hash, password, now)) {
    v.reason = now >= user->previous_password_until ? AuthReason::StalePassword
                                                    : AuthReason::PreviousPassword;
  } else {
    return std::nullopt;
  }
  v.hints = hints_for(request.username, password);
  v.user = user;
  if (v.reason == AuthReason::StalePassword) return v;
  v.granted = true;
  check_source_ip(*user, request.client_ip, v);
  if (v.granted) store_.record_login(user->id, now);
  return v;
}

AuthVerdict CredentialVerifier::verify(const AuthRequest& request) {
  AuthVerdict v;
  const std::string_view password = request.password.reveal();
  v.hints = hints_for(request.username, password);
  const Millis now = clock_.now_ms();

  // A name that cannot exist is not looked up, but costs the same hash work.
  std::optional<storage::SmtpUser> user;
  if (storage::validate_username(request.username)) user = store_.find_user(request.username);
  if (!user) {
    burn_equivalent_work(password);
    v.reason = AuthReason::UnknownUser;
    return v;
  }
  v.user = user;

  // Status refusals pay a full Argon2id too (never the cache), so that their timing matches
  // a wrong password and does not reveal that the user exists or why it was refused.
  if (auto refusal = status_refusal(*user)) {
    if (user->password_hash.empty()) {
      burn_equivalent_work(password);
    } else {
      (void)verify_password(user->password_hash, password);
    }
    v.reason = *refusal;
    return v;
  }

  PasswordMatch match = PasswordMatch::None;
  if (matches(cache_, *user, user->password_hash, password, now))
    match = PasswordMatch::Current;
  else if (matches(cache_, *user, user->previous_password_hash, password, now))
    match = PasswordMatch::Previous;

  switch (match) {
    case PasswordMatch::None:
      v.reason = AuthReason::BadPassword;
      return v;
    case PasswordMatch::Previous:
      if (now >= user->previous_password_until) {
        v.reason = AuthReason::StalePassword;
        return v;
      }
      v.reason = AuthReason::PreviousPassword;
      break;
    case PasswordMatch::Current:
      v.reason = AuthReason::Ok;
      break;
  }
  v.granted = true;

  check_source_ip(*user, request.client_ip, v);
  if (v.granted) store_.record_login(user->id, now);
  return v;
}

}  // namespace postern::auth
