#include "storage/records.h"

#include "storage/names.h"

namespace postern::storage {

const char* to_string(AccountStatus s) {
  switch (s) {
    case AccountStatus::Active: return "active";
    case AccountStatus::Suspended: return "suspended";
  }
  return "active";
}

const char* to_string(UserStatus s) {
  switch (s) {
    case UserStatus::Active: return "active";
    case UserStatus::Disabled: return "disabled";
    case UserStatus::Deleted: return "deleted";
  }
  return "active";
}

std::optional<AccountStatus> parse_account_status(std::string_view text) {
  if (text == "active") return AccountStatus::Active;
  if (text == "suspended") return AccountStatus::Suspended;
  return std::nullopt;
}

std::optional<UserStatus> parse_user_status(std::string_view text) {
  if (text == "active") return UserStatus::Active;
  if (text == "disabled") return UserStatus::Disabled;
  if (text == "deleted") return UserStatus::Deleted;
  return std::nullopt;
}

namespace {

Status one_of(std::string_view field, const std::string& value,
              std::initializer_list<std::string_view> allowed) {
  for (auto a : allowed)
    if (value == a) return ok_status();
  std::string msg = "invalid " + std::string(field) + " \"" + value.substr(0, 32) + "\" (one of";
  for (auto a : allowed) msg += " " + std::string(a);
  return Error{msg + ")"};
}

}  // namespace

Status validate_user(const SmtpUser& user) {
  if (auto s = validate_username(user.username); !s) return s;
  if (user.password_hash.empty()) return Error{"SMTP user without a password hash"};
  if (auto s = one_of("allow_ip_mode", user.allow_ip_mode, {"enforce", "report"}); !s) return s;
  if (auto s = one_of("mode", user.mode, {"assigned", "account", "any"}); !s) return s;
  if (auto s = one_of("quota_period", user.quota_period, {"day", "month", "total"}); !s) return s;
  if (auto s = one_of("quota_action", user.quota_action, {"tempfail", "reject"}); !s) return s;
  if (user.quota < 0) return Error{"quota must be 0 (unlimited) or more"};
  return ok_status();
}

}  // namespace postern::storage
