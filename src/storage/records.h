// The records Postern keeps: accounts, SMTP users and auth events (../shared/spec/PRODUCT.md,
// "The objects"). Plain values; the Store owns persistence.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace postern::storage {

enum class AccountStatus { Active, Suspended };
enum class UserStatus { Active, Disabled, Deleted };

const char* to_string(AccountStatus s);  // "active" | "suspended"
const char* to_string(UserStatus s);     // "active" | "disabled" | "deleted"
std::optional<AccountStatus> parse_account_status(std::string_view text);
std::optional<UserStatus> parse_user_status(std::string_view text);

struct Account {
  std::int64_t id = 0;
  std::string name;
  AccountStatus status = AccountStatus::Active;
  std::string suspend_reason;
  Millis created_at = 0;
};

struct SmtpUser {
  std::int64_t id = 0;
  std::string uuid;  // stable; added to relayed mail as X-Postern-User
  std::int64_t account_id = 0;
  std::string account_name;                               // joined from accounts
  AccountStatus account_status = AccountStatus::Active;  // joined from accounts
  std::string username;                                   // lower-case, [a-z0-9][a-z0-9._-]{0,63}
  std::string password_hash;                              // Argon2id encoded string
  std::string previous_password_hash;                     // grace window (F17); "" = none
  Millis previous_password_until = 0;
  UserStatus status = UserStatus::Active;
  std::vector<std::string> allow_ips;  // canonical "addr/prefix" strings; empty = any source
  std::string allow_ip_mode = "enforce";  // "enforce" | "report"
  std::string mode = "assigned";          // "assigned" | "account" | "any"
  std::vector<std::string> domains;       // assigned sender domains
  std::int64_t quota = 0;                 // 0 = unlimited
  std::string quota_period = "day";       // "day" | "month" | "total"
  std::string quota_action = "tempfail";  // "tempfail" | "reject"
  std::string rate;                       // "" = none, else "N/PERIOD" as given ("100/m")
  std::int64_t version = 1;               // bumped by every change to the row
  Millis created_at = 0;
  Millis updated_at = 0;
  Millis last_login_at = 0;
  Millis deleted_at = 0;  // set by the Store when status becomes Deleted; 0 otherwise
};

// The settings of a user the Store accepts: valid username, non-empty password hash, known
// allow_ip_mode / mode / quota_period / quota_action, quota >= 0. The allow list itself is
// checked by policy::IpAllowList in the callers (storage does not depend on policy).
Status validate_user(const SmtpUser& user);

struct AuthEvent {
  Millis time = 0;
  std::string session;
  std::string ip;
  int port = 0;
  std::string listener;
  std::string tls;        // "TLSv1.3", or "" when none
  std::string mechanism;  // as sent (sanitised), may be ""
  std::string username;   // as sent, sanitised (printable, at most 128 chars)
  std::optional<std::string> user_id;  // uuid when the user was found
  std::optional<std::string> account;
  std::string result;  // "ok" | "fail"
  std::string reason;  // see interface.md "Auth log"
  std::vector<std::string> hints;
  std::string reply;      // first line of the reply sent
  bool enforced = true;   // false for report-only allow-list misses
  std::string detail;     // extra operator-facing detail (e.g. nearest allow-list entry)
};

struct AuthEventFilter {
  std::optional<std::string> username;
  std::optional<std::string> ip;
  std::optional<std::string> account;  // events of that account's users (by name)
  std::optional<std::string> result;  // "ok" | "fail"
  std::optional<Millis> since;
  int limit = 100;
};

}  // namespace postern::storage
