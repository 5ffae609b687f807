// SqliteStore: the auth log (append in batches, query newest first).
#include <algorithm>

#include "storage/names.h"
#include "storage/sqlite/row_codec.h"
#include "storage/sqlite/sqlite_store.h"

namespace postern::storage::sqlite {
namespace {

constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 10000;

void bind_optional(Statement& stmt, int index, const std::optional<std::string>& value) {
  if (value)
    stmt.bind(index, *value);
  else
    stmt.bind_null(index);
}

AuthEvent event_from_row(const Statement& row) {
  AuthEvent e;
  e.time = row.int64(0);
  e.session = row.text(1);
  e.ip = row.text(2);
  e.port = static_cast<int>(row.int64(3));
  e.listener = row.text(4);
  e.tls = row.text(5);
  e.mechanism = row.text(6);
  e.username = row.text(7);
  if (!row.is_null(8)) e.user_id = row.text(8);
  if (!row.is_null(9)) e.account = row.text(9);
  e.result = row.text(10);
  e.reason = row.text(11);
  e.hints = from_json_array(row.text(12)).value_or(std::vector<std::string>{});
  e.reply = row.text(13);
  e.enforced = row.int64(14) != 0;
  e.detail = row.text(15);
  return e;
}

}  // namespace

Status SqliteStore::append_auth_events(std::span<const AuthEvent> events) {
  if (events.empty()) return ok_status();
  std::lock_guard lock(mu_);
  try {
    Transaction tx(*conn_);
    for (const AuthEvent& e : events) {
      auto stmt = conn_->prepare(
          "INSERT INTO auth_events (time, session, ip, port, listener, tls, mechanism, username,"
          " user_id, account, result, reason, hints, reply, enforced, detail)"
          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      stmt.bind(1, e.time)
          .bind(2, e.session)
          .bind(3, e.ip)
          .bind(4, std::int64_t{e.port})
          .bind(5, e.listener)
          .bind(6, e.tls)
          .bind(7, e.mechanism)
          .bind(8, e.username);
      bind_optional(stmt, 9, e.user_id);
      bind_optional(stmt, 10, e.account);
      stmt.bind(11, e.result)
          .bind(12, e.reason)
          .bind(13, to_json_array(e.hints))
          .bind(14, e.reply)
          .bind(15, std::int64_t{e.enforced ? 1 : 0})
          .bind(16, e.detail);
      stmt.run();
    }
    tx.commit();
    return ok_status();
  } catch (const SqliteError& e) {
    return Error{e.what()};
  }
}

std::vector<AuthEvent> SqliteStore::query_auth_events(const AuthEventFilter& filter) {
  // At most 32 distinct SQL texts, so every variant stays in the statement cache.
  std::string sql =
      "SELECT time, session, ip, port, listener, tls, mechanism, username, user_id, account,"
      " result, reason, hints, reply, enforced, detail FROM auth_events WHERE 1 = 1";
  if (filter.username) sql += " AND lower(username) = ?";
  if (filter.ip) sql += " AND ip = ?";
  if (filter.account) sql += " AND account = ?";
  if (filter.result) sql += " AND result = ?";
  if (filter.since) sql += " AND time >= ?";
  sql += " ORDER BY time DESC, id DESC LIMIT ?";
  const int limit = filter.limit <= 0 ? kDefaultLimit : std::min(filter.limit, kMaxLimit);

  std::lock_guard lock(mu_);
  auto stmt = conn_->prepare(sql);
  int i = 0;
  if (filter.username) stmt.bind(++i, normalize_name(*filter.username));
  if (filter.ip) stmt.bind(++i, *filter.ip);
  if (filter.account) stmt.bind(++i, normalize_name(*filter.account));
  if (filter.result) stmt.bind(++i, *filter.result);
  if (filter.since) stmt.bind(++i, *filter.since);
  stmt.bind(++i, std::int64_t{limit});
  std::vector<AuthEvent> out;
  while (stmt.step()) out.push_back(event_from_row(stmt));
  return out;
}

}  // namespace postern::storage::sqlite
