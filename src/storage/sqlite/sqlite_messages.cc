// SqliteStore: per-recipient delivery state and the message log.
#include <algorithm>

#include "storage/names.h"
#include "storage/sqlite/sqlite_store.h"

namespace postern::storage::sqlite {
namespace {

constexpr int kMaxLimit = 10000;
constexpr const char* kDeliveryColumns =
    "queue_id, recipient, status, attempts, next_attempt_at, queued_at, last_reply, mx";

Delivery delivery_from_row(const Statement& row) {
  Delivery d;
  d.queue_id = row.text(0);
  d.recipient = row.text(1);
  d.status = row.text(2);
  d.attempts = static_cast<int>(row.int64(3));
  d.next_attempt_at = row.int64(4);
  d.queued_at = row.int64(5);
  d.last_reply = row.text(6);
  d.mx = row.text(7);
  return d;
}

MessageEvent event_from_row(const Statement& row) {
  MessageEvent e;
  e.time = row.int64(0);
  e.id = row.text(1);
  e.user = row.text(2);
  e.account = row.text(3);
  e.ip = row.text(4);
  e.mail_from = row.text(5);
  e.header_from = row.text(6);
  e.rcpt = row.text(7);
  e.size = static_cast<std::uint64_t>(row.int64(8));
  e.status = row.text(9);
  e.reason = row.text(10);
  e.mx = row.text(11);
  e.remote_reply = row.text(12);
  e.attempt = static_cast<int>(row.int64(13));
  return e;
}

}  // namespace

Status SqliteStore::add_deliveries(const std::string& queue_id,
                                   std::span<const std::string> recipients, Millis queued_at,
                                   Millis due) {
  std::lock_guard lock(mu_);
  try {
    Transaction tx(*conn_);
    for (const auto& rcpt : recipients) {
      conn_->prepare("INSERT OR IGNORE INTO deliveries (queue_id, recipient, next_attempt_at,"
                     " queued_at) VALUES (?, ?, ?, ?)")
          .bind(1, queue_id)
          .bind(2, rcpt)
          .bind(3, due)
          .bind(4, queued_at)
          .run();
    }
    tx.commit();
    return ok_status();
  } catch (const SqliteError& e) {
    return Error{e.what()};
  }
}

std::vector<Delivery> SqliteStore::due_deliveries(Millis now, int limit) {
  std::lock_guard lock(mu_);
  auto stmt = conn_->prepare(std::string("SELECT ") + kDeliveryColumns +
                             " FROM deliveries WHERE status = 'queued' AND next_attempt_at <= ?"
                             " ORDER BY next_attempt_at, queue_id LIMIT ?");
  stmt.bind(1, now).bind(2, std::int64_t{std::clamp(limit, 1, kMaxLimit)});
  std::vector<Delivery> out;
  while (stmt.step()) out.push_back(delivery_from_row(stmt));
  return out;
}

std::vector<Delivery> SqliteStore::deliveries_of(const std::string& queue_id) {
  std::lock_guard lock(mu_);
  auto stmt = conn_->prepare(std::string("SELECT ") + kDeliveryColumns +
                             " FROM deliveries WHERE queue_id = ? ORDER BY recipient");
  stmt.bind(1, queue_id);
  std::vector<Delivery> out;
  while (stmt.step()) out.push_back(delivery_from_row(stmt));
  return out;
}

Status SqliteStore::update_deliveries(std::span<const Delivery> rows) {
  std::lock_guard lock(mu_);
  try {
    Transaction tx(*conn_);
    for (const Delivery& d : rows) {
      conn_->prepare("UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?,"
                     " last_reply = ?, mx = ? WHERE queue_id = ? AND recipient = ?")
          .bind(1, d.status)
          .bind(2, std::int64_t{d.attempts})
          .bind(3, d.next_attempt_at)
          .bind(4, d.last_reply)
          .bind(5, d.mx)
          .bind(6, d.queue_id)
          .bind(7, d.recipient)
          .run();
    }
    tx.commit();
    return ok_status();
  } catch (const SqliteError& e) {
    return Error{e.what()};
  }
}

std::int64_t SqliteStore::retry_now(const std::optional<std::string>& queue_id, Millis now) {
  std::lock_guard lock(mu_);
  if (queue_id) {
    conn_->prepare("UPDATE deliveries SET next_attempt_at = ? WHERE status = 'queued'"
                   " AND queue_id = ?")
        .bind(1, now)
        .bind(2, *queue_id)
        .run();
  } else {
    conn_->prepare("UPDATE deliveries SET next_attempt_at = ? WHERE status = 'queued'")
        .bind(1, now)
        .run();
  }
  return conn_->changes();
}

std::vector<std::string> SqliteStore::queued_message_ids() {
  std::lock_guard lock(mu_);
  auto stmt = conn_->prepare(
      "SELECT DISTINCT queue_id FROM deliveries WHERE status = 'queued' ORDER BY queue_id");
  std::vector<std::string> out;
  while (stmt.step()) out.push_back(stmt.text(0));
  return out;
}

std::optional<Millis> SqliteStore::next_due() {
  std::lock_guard lock(mu_);
  auto stmt = conn_->prepare(
      "SELECT min(next_attempt_at) FROM deliveries WHERE status = 'queued'");
  if (!stmt.step() || stmt.is_null(0)) return std::nullopt;
  return stmt.int64(0);
}

Status SqliteStore::append_message_events(std::span<const MessageEvent> events) {
  if (events.empty()) return ok_status();
  std::lock_guard lock(mu_);
  try {
    Transaction tx(*conn_);
    for (const MessageEvent& e : events) {
      conn_->prepare("INSERT INTO message_events (time, queue_id, user, account, ip, mail_from,"
                     " header_from, rcpt, size, status, reason, mx, remote_reply, attempt)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .bind(1, e.time)
          .bind(2, e.id)
          .bind(3, e.user)
          .bind(4, e.account)
          .bind(5, e.ip)
          .bind(6, e.mail_from)
          .bind(7, e.header_from)
          .bind(8, e.rcpt)
          .bind(9, static_cast<std::int64_t>(e.size))
          .bind(10, e.status)
          .bind(11, e.reason)
          .bind(12, e.mx)
          .bind(13, e.remote_reply)
          .bind(14, std::int64_t{e.attempt})
          .run();
    }
    tx.commit();
    return ok_status();
  } catch (const SqliteError& e) {
    return Error{e.what()};
  }
}

std::vector<MessageEvent> SqliteStore::query_message_events(const MessageEventFilter& filter) {
  std::string sql =
      "SELECT time, queue_id, user, account, ip, mail_from, header_from, rcpt, size, status,"
      " reason, mx, remote_reply, attempt FROM message_events WHERE 1 = 1";
  if (filter.user) sql += " AND user = ?";
  if (filter.id) sql += " AND queue_id = ?";
  if (filter.status) sql += " AND status = ?";
  if (filter.account) sql += " AND account = ?";
  if (filter.ip) sql += " AND ip = ?";
  if (filter.since) sql += " AND time >= ?";
  sql += " ORDER BY time DESC, id DESC LIMIT ?";
  const int limit = filter.limit <= 0 ? 100 : std::min(filter.limit, kMaxLimit);
  std::lock_guard lock(mu_);
  auto stmt = conn_->prepare(sql);
  int i = 0;
  if (filter.user) stmt.bind(++i, *filter.user);
  if (filter.id) stmt.bind(++i, *filter.id);
  if (filter.status) stmt.bind(++i, *filter.status);
  if (filter.account) stmt.bind(++i, normalize_name(*filter.account));
  if (filter.ip) stmt.bind(++i, *filter.ip);
  if (filter.since) stmt.bind(++i, *filter.since);
  stmt.bind(++i, std::int64_t{limit});
  std::vector<MessageEvent> out;
  while (stmt.step()) out.push_back(event_from_row(stmt));
  return out;
}

}  // namespace postern::storage::sqlite
