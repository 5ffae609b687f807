// PgStore: the auth log (append in batches, query newest first).
#include <algorithm>

#include "pgstore/pg_store.h"
#include "pgstore/row_codec.h"
#include "storage/names.h"

namespace postern::pgstore {

using storage::AuthEvent;

namespace {

constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 10000;

AuthEvent event_from_row(const PgResult& r, int i) {
  AuthEvent e;
  e.time = r.int64(i, 0);
  e.session = r.text(i, 1);
  e.ip = r.text(i, 2);
  e.port = static_cast<int>(r.int64(i, 3));
  e.listener = r.text(i, 4);
  e.tls = r.text(i, 5);
  e.mechanism = r.text(i, 6);
  e.username = r.text(i, 7);
  if (!r.is_null(i, 8)) e.user_id = r.text(i, 8);
  if (!r.is_null(i, 9)) e.account = r.text(i, 9);
  e.result = r.text(i, 10);
  e.reason = r.text(i, 11);
  e.hints = from_json_array(r.text(i, 12)).value_or(std::vector<std::string>{});
  e.reply = r.text(i, 13);
  e.enforced = r.boolean(i, 14);
  e.detail = r.text(i, 15);
  return e;
}

}  // namespace

Status PgStore::append_auth_events(std::span<const AuthEvent> events) {
  if (events.empty()) return ok_status();
  try {
    std::vector<Param> values;
    values.reserve(events.size() * 16);
    for (const AuthEvent& e : events) {
      for (Param p : {Param(e.time), Param(e.session), Param(e.ip), Param(e.port),
                      Param(e.listener), Param(e.tls), Param(e.mechanism), Param(e.username),
                      Param(e.user_id), Param(e.account), Param(e.result), Param(e.reason),
                      Param(to_json_array(e.hints)), Param(e.reply), Param::boolean(e.enforced),
                      Param(e.detail)})
        values.push_back(std::move(p));
    }
    write([&](Connection& c) {
      Transaction tx(c);
      exec_values(c,
                  "INSERT INTO auth_events (time, session, ip, port, listener, tls, mechanism,"
                  " username, user_id, account, result, reason, hints, reply, enforced, detail)",
                  16, values);
      tx.commit();
      return 0;
    });
    return ok_status();
  } catch (const PgError& e) {
    return Error{e.what()};
  }
}

std::vector<AuthEvent> PgStore::query_auth_events(const storage::AuthEventFilter& filter) {
  std::string sql =
      "SELECT time, session, ip, port, listener, tls, mechanism, username, user_id, account,"
      " result, reason, hints, reply, enforced, detail FROM auth_events WHERE true";
  std::vector<Param> params;
  auto where = [&](const char* condition, Param value) {
    params.push_back(std::move(value));
    sql += std::string(" AND ") + condition + " $" + std::to_string(params.size());
  };
  if (filter.username) where("lower(username) =", storage::normalize_name(*filter.username));
  if (filter.ip) where("ip =", *filter.ip);
  if (filter.account) where("account =", storage::normalize_name(*filter.account));
  if (filter.result) where("result =", *filter.result);
  if (filter.since) where("time >=", *filter.since);
  const int limit = filter.limit <= 0 ? kDefaultLimit : std::min(filter.limit, kMaxLimit);
  params.push_back(limit);
  sql += " ORDER BY time DESC, id DESC LIMIT $" + std::to_string(params.size());
  return read([&](Connection& c) {
    auto r = c.exec(sql, params);
    std::vector<AuthEvent> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back(event_from_row(r, i));
    return out;
  });
}

}  // namespace postern::pgstore
