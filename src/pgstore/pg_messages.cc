// PgStore: per-recipient delivery state and the message log.
#include <algorithm>

#include "pgstore/pg_store.h"
#include "storage/names.h"

namespace postern::pgstore {

using storage::Delivery;
using storage::MessageEvent;

namespace {

constexpr int kMaxLimit = 10000;
constexpr const char* kSelectDelivery =
    "SELECT queue_id, recipient, status, attempts, next_attempt_at, queued_at, last_reply, mx"
    " FROM deliveries";

std::vector<Delivery> deliveries_from(const PgResult& r) {
  std::vector<Delivery> out;
  for (int i = 0; i < r.rows(); ++i) {
    Delivery d;
    d.queue_id = r.text(i, 0);
    d.recipient = r.text(i, 1);
    d.status = r.text(i, 2);
    d.attempts = static_cast<int>(r.int64(i, 3));
    d.next_attempt_at = r.int64(i, 4);
    d.queued_at = r.int64(i, 5);
    d.last_reply = r.text(i, 6);
    d.mx = r.text(i, 7);
    out.push_back(std::move(d));
  }
  return out;
}

MessageEvent event_from_row(const PgResult& r, int i) {
  MessageEvent e;
  e.time = r.int64(i, 0);
  e.id = r.text(i, 1);
  e.user = r.text(i, 2);
  e.account = r.text(i, 3);
  e.ip = r.text(i, 4);
  e.mail_from = r.text(i, 5);
  e.header_from = r.text(i, 6);
  e.rcpt = r.text(i, 7);
  e.size = static_cast<std::uint64_t>(r.int64(i, 8));
  e.status = r.text(i, 9);
  e.reason = r.text(i, 10);
  e.mx = r.text(i, 11);
  e.remote_reply = r.text(i, 12);
  e.attempt = static_cast<int>(r.int64(i, 13));
  return e;
}

}  // namespace

Status PgStore::add_deliveries(const std::string& queue_id,
                               std::span<const std::string> recipients, Millis queued_at,
                               Millis due) {
  if (recipients.empty()) return ok_status();
  std::vector<Param> values;
  for (const auto& rcpt : recipients)
    for (Param p : {Param(queue_id), Param(rcpt), Param(due), Param(queued_at)})
      values.push_back(std::move(p));
  try {
    write([&](Connection& c) {
      Transaction tx(c);
      exec_values(c, "INSERT INTO deliveries (queue_id, recipient, next_attempt_at, queued_at)",
                  4, values, "ON CONFLICT DO NOTHING");
      tx.commit();
      return 0;
    });
    return ok_status();
  } catch (const PgError& e) {
    return Error{e.what()};
  }
}

std::vector<Delivery> PgStore::due_deliveries(Millis now, int limit) {
  return read([&](Connection& c) {
    return deliveries_from(c.exec(std::string(kSelectDelivery) +
                                      " WHERE status = 'queued' AND next_attempt_at <= $1"
                                      " ORDER BY next_attempt_at, queue_id LIMIT $2",
                                  {now, std::clamp(limit, 1, kMaxLimit)}));
  });
}

std::vector<Delivery> PgStore::deliveries_of(const std::string& queue_id) {
  return read([&](Connection& c) {
    return deliveries_from(c.exec(
        std::string(kSelectDelivery) + " WHERE queue_id = $1 ORDER BY recipient", {queue_id}));
  });
}

Status PgStore::update_deliveries(std::span<const Delivery> rows) {
  if (rows.empty()) return ok_status();
  try {
    write([&](Connection& c) {
      Transaction tx(c);
      for (const Delivery& d : rows)
        c.exec("UPDATE deliveries SET status = $1, attempts = $2, next_attempt_at = $3,"
               " last_reply = $4, mx = $5 WHERE queue_id = $6 AND recipient = $7",
               {d.status, d.attempts, d.next_attempt_at, d.last_reply, d.mx, d.queue_id,
                d.recipient});
      tx.commit();
      return 0;
    });
    return ok_status();
  } catch (const PgError& e) {
    return Error{e.what()};
  }
}

std::int64_t PgStore::retry_now(const std::optional<std::string>& queue_id, Millis now) {
  return write([&](Connection& c) {
    if (queue_id)
      return c
          .exec("UPDATE deliveries SET next_attempt_at = $1 WHERE status = 'queued'"
                " AND queue_id = $2",
                {now, *queue_id})
          .affected();
    return c.exec("UPDATE deliveries SET next_attempt_at = $1 WHERE status = 'queued'", {now})
        .affected();
  });
}

std::vector<std::string> PgStore::queued_message_ids() {
  return read([&](Connection& c) {
    auto r = c.exec(
        "SELECT DISTINCT queue_id FROM deliveries WHERE status = 'queued' ORDER BY queue_id");
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
    return out;
  });
}

std::optional<Millis> PgStore::next_due() {
  return read([&](Connection& c) -> std::optional<Millis> {
    auto r = c.exec("SELECT min(next_attempt_at) FROM deliveries WHERE status = 'queued'");
    if (r.rows() == 0 || r.is_null(0, 0)) return std::nullopt;
    return r.int64(0, 0);
  });
}

Status PgStore::append_message_events(std::span<const MessageEvent> events) {
  if (events.empty()) return ok_status();
  std::vector<Param> values;
  values.reserve(events.size() * 14);
  for (const MessageEvent& e : events)
    for (Param p : {Param(e.time), Param(e.id), Param(e.user), Param(e.account), Param(e.ip),
                    Param(e.mail_from), Param(e.header_from), Param(e.rcpt),
                    Param(static_cast<std::int64_t>(e.size)), Param(e.status), Param(e.reason),
                    Param(e.mx), Param(e.remote_reply), Param(e.attempt)})
      values.push_back(std::move(p));
  try {
    write([&](Connection& c) {
      Transaction tx(c);
      exec_values(c,
                  "INSERT INTO message_events (time, queue_id, user_name, account, ip,"
                  " mail_from, header_from, rcpt, size, status, reason, mx, remote_reply,"
                  " attempt)",
                  14, values);
      tx.commit();
      return 0;
    });
    return ok_status();
  } catch (const PgError& e) {
    return Error{e.what()};
  }
}

std::vector<MessageEvent> PgStore::query_message_events(
    const storage::MessageEventFilter& filter) {
  std::string sql =
      "SELECT time, queue_id, user_name, account, ip, mail_from, header_from, rcpt, size,"
      " status, reason, mx, remote_reply, attempt FROM message_events WHERE true";
  std::vector<Param> params;
  auto where = [&](const char* condition, Param value) {
    params.push_back(std::move(value));
    sql += std::string(" AND ") + condition + " $" + std::to_string(params.size());
  };
  if (filter.user) where("user_name =", *filter.user);
  if (filter.id) where("queue_id =", *filter.id);
  if (filter.status) where("status =", *filter.status);
  if (filter.account) where("account =", storage::normalize_name(*filter.account));
  if (filter.ip) where("ip =", *filter.ip);
  if (filter.since) where("time >=", *filter.since);
  params.push_back(filter.limit <= 0 ? 100 : std::min(filter.limit, kMaxLimit));
  sql += " ORDER BY time DESC, id DESC LIMIT $" + std::to_string(params.size());
  return read([&](Connection& c) {
    auto r = c.exec(sql, params);
    std::vector<MessageEvent> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(event_from_row(r, i));
    return out;
  });
}

}  // namespace postern::pgstore
