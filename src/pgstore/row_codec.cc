#include "pgstore/row_codec.h"

#include <nlohmann/json.hpp>

namespace postern::pgstore {

using storage::AccountStatus;
using storage::UserStatus;

const char* const kSelectUser =
    "SELECT u.id, u.uuid, u.account_id, a.name, a.status, u.username, u.password_hash,"
    " u.previous_password_hash, u.previous_password_until, u.status, u.allow_ips,"
    " u.allow_ip_mode, u.mode, u.quota, u.quota_period, u.quota_action, u.rate, u.version,"
    " u.created_at, u.updated_at, u.last_login_at, u.deleted_at,"
    " coalesce((SELECT json_agg(d.domain ORDER BY d.domain) FROM user_domains d"
    "   WHERE d.user_id = u.id)::text, '[]')"
    " FROM smtp_users u JOIN accounts a ON a.id = u.account_id";

storage::SmtpUser user_from_row(const PgResult& r, int i) {
  storage::SmtpUser u;
  u.id = r.int64(i, 0);
  u.uuid = r.text(i, 1);
  u.account_id = r.int64(i, 2);
  u.account_name = r.text(i, 3);
  u.account_status = storage::parse_account_status(r.text(i, 4)).value_or(AccountStatus::Suspended);
  u.username = r.text(i, 5);
  u.password_hash = r.text(i, 6);
  u.previous_password_hash = r.text(i, 7);
  u.previous_password_until = r.int64(i, 8);
  // An unknown status (a newer schema's value) reads as Disabled: fail closed.
  u.status = storage::parse_user_status(r.text(i, 9)).value_or(UserStatus::Disabled);
  // An unreadable allow list must not read as "empty = any source": keep an entry that no
  // parser accepts, so the verifier refuses (fail closed) and says why.
  u.allow_ips = from_json_array(r.text(i, 10)).value_or(std::vector<std::string>{"unreadable"});
  u.allow_ip_mode = r.text(i, 11);
  u.mode = r.text(i, 12);
  u.quota = r.int64(i, 13);
  u.quota_period = r.text(i, 14);
  u.quota_action = r.text(i, 15);
  u.rate = r.text(i, 16);
  u.version = r.int64(i, 17);
  u.created_at = r.int64(i, 18);
  u.updated_at = r.int64(i, 19);
  u.last_login_at = r.int64(i, 20);
  u.deleted_at = r.int64(i, 21);
  u.domains = from_json_array(r.text(i, 22)).value_or(std::vector<std::string>{});
  return u;
}

const char* const kSelectAccount =
    "SELECT id, name, status, suspend_reason, created_at FROM accounts";

storage::Account account_from_row(const PgResult& r, int i) {
  storage::Account a;
  a.id = r.int64(i, 0);
  a.name = r.text(i, 1);
  a.status = storage::parse_account_status(r.text(i, 2)).value_or(AccountStatus::Suspended);
  a.suspend_reason = r.text(i, 3);
  a.created_at = r.int64(i, 4);
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

}  // namespace postern::pgstore
