// Validation and application of SMTP-user settings, shared by `user add/set/passwd` and the
// HTTP API (POST/PATCH /api/v1/smtp-users). Free of CLI11 and of I/O except hashing.
// Invariant: on Error the SmtpUser passed in is left unchanged; messages never hold a secret.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/secret.h"
#include "base/time.h"
#include "storage/records.h"

namespace postern::cli {

// The settable fields of a user; a field left nullopt is not changed. Lists REPLACE the
// stored list (an empty vector clears it). `rate` "" or "none" clears the rate limit.
struct UserSettings {
  std::optional<std::vector<std::string>> allow_ips;
  std::optional<std::string> allow_ip_mode;  // enforce | report
  std::optional<std::string> mode;           // assigned | account | any
  std::optional<std::vector<std::string>> domains;
  std::optional<std::int64_t> quota;         // >= 0, 0 = unlimited
  std::optional<std::string> quota_period;   // day | month | total
  std::optional<std::string> quota_action;   // tempfail | reject
  std::optional<std::string> rate;           // N/s|m|h|d

  bool operator==(const UserSettings&) const = default;
};

inline constexpr std::string_view kAllowIpModes[] = {"enforce", "report"};
inline constexpr std::string_view kSenderModes[] = {"assigned", "account", "any"};
inline constexpr std::string_view kQuotaPeriods[] = {"day", "month", "total"};
inline constexpr std::string_view kQuotaActions[] = {"tempfail", "reject"};

// Lower-cases and validates an SMTP username; '@' is refused with an explanation that SMTP
// usernames are not email addresses.
Result<std::string> normalize_username(std::string_view username);
// Lower-cases and validates an account name.
Result<std::string> normalize_account_name(std::string_view name);
// Canonical "addr/prefix" strings via policy::IpAllowList (at most 50 entries).
Result<std::vector<std::string>> canonical_allow_ips(const std::vector<std::string>& entries);
// Lower-case, trailing dot removed, LDH labels, at least two labels; duplicates dropped.
Result<std::vector<std::string>> normalize_domains(const std::vector<std::string>& domains);
// "N/s", "N/m", "N/h" or "N/d" with N in 1..1e9; returned as given. "" and "none" -> "".
Result<std::string> normalize_rate(std::string_view rate);
// `value` must be one of `allowed`; the error names the option and the choices.
Status check_choice(std::string_view option, std::string_view value,
                    std::span<const std::string_view> allowed);

// Validates every set field of `settings` and writes them into `user`.
Status apply_user_settings(const UserSettings& settings, storage::SmtpUser& user);

// Hashes `password` (8..256 bytes, auth::hash_password) into user.password_hash. With
// grace_seconds > 0 the current hash stays valid until now + grace as the previous password
// (F17); otherwise any previous password is cleared.
Status set_password(storage::SmtpUser& user, const Secret& password, std::int64_t grace_seconds,
                    Millis now);

}  // namespace postern::cli
