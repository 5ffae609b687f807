// SqliteStore: SMTP users and their assigned domains.
#include <algorithm>
#include <functional>

#include "base/random.h"
#include "storage/names.h"
#include "storage/sqlite/row_codec.h"
#include "storage/sqlite/sqlite_store.h"

namespace postern::storage::sqlite {
namespace {

using Binder = std::function<void(Statement&)>;

// The user as the Store keeps it: lower-case username, lower-case de-duplicated domains.
SmtpUser normalized(const SmtpUser& in) {
  SmtpUser u = in;
  u.username = normalize_name(u.username);
  u.account_name = normalize_name(u.account_name);
  std::vector<std::string> domains;
  for (const auto& d : u.domains) {
    std::string lower = normalize_name(d);
    if (!lower.empty() && std::find(domains.begin(), domains.end(), lower) == domains.end())
      domains.push_back(std::move(lower));
  }
  u.domains = std::move(domains);
  return u;
}

Error write_error(const SqliteError& e, const SmtpUser& u) {
  if (e.unique_violation()) {
    if (std::string_view(e.what()).find("uuid") != std::string_view::npos)
      return Error{"an SMTP user with uuid " + u.uuid + " already exists"};
    return Error{"SMTP user \"" + u.username + "\" already exists"};
  }
  return Error{e.what()};
}

std::vector<SmtpUser> select_users(Connection& conn, const std::string& sql, const Binder& bind) {
  auto stmt = conn.prepare(sql);
  bind(stmt);
  std::vector<SmtpUser> out;
  while (stmt.step()) out.push_back(user_from_row(stmt));
  return out;
}

}  // namespace

std::vector<std::string> SqliteStore::load_domains(std::int64_t user_id) {
  auto stmt = conn_->prepare("SELECT domain FROM user_domains WHERE user_id = ? ORDER BY domain");
  stmt.bind(1, user_id);
  std::vector<std::string> out;
  while (stmt.step()) out.push_back(stmt.text(0));
  return out;
}

void SqliteStore::store_domains(std::int64_t user_id, const std::vector<std::string>& domains) {
  conn_->prepare("DELETE FROM user_domains WHERE user_id = ?").bind(1, user_id).run();
  for (const auto& d : domains)
    conn_->prepare("INSERT OR IGNORE INTO user_domains (user_id, domain) VALUES (?, ?)")
        .bind(1, user_id)
        .bind(2, d)
        .run();
}

std::optional<SmtpUser> SqliteStore::select_user(const std::string& where,
                                                 const std::string& key) {
  auto users = select_users(*conn_, std::string(kSelectUser) + " WHERE " + where,
                            [&](Statement& s) { s.bind(1, key); });
  if (users.empty()) return std::nullopt;
  users.front().domains = load_domains(users.front().id);
  return std::move(users.front());
}

Result<SmtpUser> SqliteStore::create_user(const SmtpUser& input) {
  SmtpUser u = normalized(input);
  if (auto s = validate_user(u); !s) return s.error();
  if (u.status == UserStatus::Deleted) return Error{"cannot create a deleted SMTP user"};
  if (u.uuid.empty()) u.uuid = new_uuid();
  std::lock_guard lock(mu_);
  try {
    Transaction tx(*conn_);
    auto account = conn_->prepare("SELECT id FROM accounts WHERE id = ? OR (? = 0 AND name = ?)");
    account.bind(1, u.account_id).bind(2, u.account_id).bind(3, u.account_name);
    if (!account.step())
      return Error{u.account_id ? "no account with id " + std::to_string(u.account_id)
                                : "no account named \"" + u.account_name + "\""};
    u.account_id = account.int64(0);
    const Millis now = clock_.now_ms();
    conn_->prepare(
             "INSERT INTO smtp_users (uuid, account_id, username, password_hash,"
             " previous_password_hash, previous_password_until, status, allow_ips, allow_ip_mode,"
             " mode, quota, quota_period, quota_action, rate, version, created_at, updated_at)"
             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)")
        .bind(1, u.uuid)
        .bind(2, u.account_id)
        .bind(3, u.username)
        .bind(4, u.password_hash)
        .bind(5, u.previous_password_hash)
        .bind(6, u.previous_password_until)
        .bind(7, to_string(u.status))
        .bind(8, to_json_array(u.allow_ips))
        .bind(9, u.allow_ip_mode)
        .bind(10, u.mode)
        .bind(11, u.quota)
        .bind(12, u.quota_period)
        .bind(13, u.quota_action)
        .bind(14, u.rate)
        .bind(15, now)
        .bind(16, now)
        .run();
    const std::int64_t id = conn_->last_insert_rowid();
    store_domains(id, u.domains);
    auto row = select_user("u.id = ?", std::to_string(id));
    tx.commit();
    ++local_changes_;
    if (!row) return Error{"SMTP user \"" + u.username + "\" vanished after insert"};
    return std::move(*row);
  } catch (const SqliteError& e) {
    return write_error(e, u);
  }
}

std::optional<SmtpUser> SqliteStore::find_user(const std::string& username) {
  std::lock_guard lock(mu_);
  // The live user first; else the most recently deleted one.
  return select_user(
      "lower(u.username) = ? ORDER BY (u.status = 'deleted'), u.deleted_at DESC, u.id DESC"
      " LIMIT 1",
      normalize_name(username));
}

std::optional<SmtpUser> SqliteStore::find_user_by_uuid(const std::string& uuid) {
  std::lock_guard lock(mu_);
  return select_user("u.uuid = ?", uuid);
}

Status SqliteStore::update_user(const SmtpUser& input) {
  SmtpUser u = normalized(input);
  if (auto s = validate_user(u); !s) return s.error();
  std::lock_guard lock(mu_);
  try {
    Transaction tx(*conn_);
    // deleted_at is stamped once, when the status first becomes 'deleted'.
    conn_->prepare(
             "UPDATE smtp_users SET username = ?1, password_hash = ?2,"
             " previous_password_hash = ?3, previous_password_until = ?4, status = ?5,"
             " allow_ips = ?6, allow_ip_mode = ?7, mode = ?8, quota = ?9, quota_period = ?10,"
             " quota_action = ?11, rate = ?12, version = version + 1, updated_at = ?13,"
             " deleted_at = CASE WHEN ?5 != 'deleted' THEN 0"
             "   WHEN deleted_at = 0 THEN ?13 ELSE deleted_at END"
             " WHERE id = ?14")
        .bind(1, u.username)
        .bind(2, u.password_hash)
        .bind(3, u.previous_password_hash)
        .bind(4, u.previous_password_until)
        .bind(5, to_string(u.status))
        .bind(6, to_json_array(u.allow_ips))
        .bind(7, u.allow_ip_mode)
        .bind(8, u.mode)
        .bind(9, u.quota)
        .bind(10, u.quota_period)
        .bind(11, u.quota_action)
        .bind(12, u.rate)
        .bind(13, clock_.now_ms())
        .bind(14, u.id)
        .run();
    if (conn_->changes() == 0) return Error{"no SMTP user with id " + std::to_string(u.id)};
    store_domains(u.id, u.domains);
    tx.commit();
    ++local_changes_;
    return ok_status();
  } catch (const SqliteError& e) {
    return write_error(e, u);
  }
}

std::vector<SmtpUser> SqliteStore::list_users(const std::optional<std::string>& account) {
  std::lock_guard lock(mu_);
  std::string sql = std::string(kSelectUser) + " WHERE u.status != 'deleted'";
  if (account) sql += " AND a.name = ?";
  sql += " ORDER BY u.username, u.id";
  auto users = select_users(*conn_, sql, [&](Statement& s) {
    if (account) s.bind(1, normalize_name(*account));
  });
  for (auto& u : users) u.domains = load_domains(u.id);
  return users;
}

void SqliteStore::record_login(std::int64_t user_id, Millis when) {
  std::lock_guard lock(mu_);
  try {
    conn_->prepare("UPDATE smtp_users SET last_login_at = max(last_login_at, ?) WHERE id = ?")
        .bind(1, when)
        .bind(2, user_id)
        .run();
  } catch (const SqliteError&) {
    // Best effort: a busy database must not turn a good login into a failure.
  }
}

}  // namespace postern::storage::sqlite
