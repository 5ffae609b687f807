#include "storage/sqlite/row_codec.h"

#include <nlohmann/json.hpp>

namespace postern::storage::sqlite {

const char* const kSelectUser =
    "SELECT u.id, u.uuid, u.account_id, a.name, a.status, u.username, u.password_hash,"
    " u.previous_password_hash, u.previous_password_until, u.status, u.allow_ips,"
    " u.allow_ip_mode, u.mode, u.quota, u.quota_period, u.quota_action, u.rate, u.version,"
    " u.created_at, u.updated_at, u.last_login_at, u.deleted_at"
    " FROM smtp_users u JOIN accounts a ON a.id = u.account_id";

SmtpUser user_from_row(const Statement& row) {
  SmtpUser u;
  u.id = row.int64(0);
  u.uuid = row.text(1);
  u.account_id = row.int64(2);
  u.account_name = row.text(3);
  u.account_status = parse_account_status(row.text(4)).value_or(AccountStatus::Suspended);
  u.username = row.text(5);
  u.password_hash = row.text(6);
  u.previous_password_hash = row.text(7);
  u.previous_password_until = row.int64(8);
  // An unknown status (a newer schema's value) reads as Disabled: fail closed.
  u.status = parse_user_status(row.text(9)).value_or(UserStatus::Disabled);
  // An unreadable allow list must not read as "empty = any source": keep an entry that no
  // parser accepts, so the verifier refuses (fail closed) and says why.
  u.allow_ips = from_json_array(row.text(10)).value_or(std::vector<std::string>{"unreadable"});
  u.allow_ip_mode = row.text(11);
  u.mode = row.text(12);
  u.quota = row.int64(13);
  u.quota_period = row.text(14);
  u.quota_action = row.text(15);
  u.rate = row.text(16);
  u.version = row.int64(17);
  u.created_at = row.int64(18);
  u.updated_at = row.int64(19);
  u.last_login_at = row.int64(20);
  u.deleted_at = row.int64(21);
  return u;
}

Account account_from_row(const Statement& row) {
  Account a;
  a.id = row.int64(0);
  a.name = row.text(1);
  a.status = parse_account_status(row.text(2)).value_or(AccountStatus::Suspended);
  a.suspend_reason = row.text(3);
  a.created_at = row.int64(4);
  return a;
}

std::string to_json_array(const std::vector<std::string>& items) {
  // Invalid UTF-8 is replaced rather than thrown on: log fields come from the network.
  return nlohmann::json(items).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<std::vector<std::string>> from_json_array(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& item : j) {
    if (!item.is_string()) return std::nullopt;
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace postern::storage::sqlite
