// SqliteStore: the ControlStore part (API keys, webhooks, webhook deliveries, hourly stats).
// Account names in rows come from a join on accounts (account_id NULL = admin, name "").
#include <algorithm>
#include <functional>
#include <map>
#include <string_view>

#include "storage/names.h"
#include "storage/sqlite/row_codec.h"
#include "storage/sqlite/sqlite_store.h"

namespace postern::storage::sqlite {
namespace {

constexpr Millis kHour = 3'600'000;
constexpr int kMaxLimit = 10000;

constexpr const char* kSelectApiKey =
    "SELECT k.id, k.name, coalesce(a.name, ''), k.key_hash, k.prefix, k.created_at,"
    " k.last_used_at, k.revoked_at FROM api_keys k LEFT JOIN accounts a ON a.id = k.account_id";

constexpr const char* kSelectWebhook =
    "SELECT w.id, coalesce(a.name, ''), w.url, w.events, w.secret, w.active, w.created_at"
    " FROM webhooks w LEFT JOIN accounts a ON a.id = w.account_id";

constexpr const char* kSelectDelivery =
    "SELECT id, webhook_id, event, body, status, attempts, next_attempt_at, last_error,"
    " created_at, updated_at FROM webhook_deliveries";

ApiKey api_key_from_row(const Statement& row) {
  ApiKey k;
  k.id = row.int64(0);
  k.name = row.text(1);
  k.account = row.text(2);
  k.key_hash = row.text(3);
  k.prefix = row.text(4);
  k.created_at = row.int64(5);
  k.last_used_at = row.int64(6);
  k.revoked_at = row.int64(7);
  return k;
}

Webhook webhook_from_row(const Statement& row) {
  Webhook w;
  w.id = row.int64(0);
  w.account = row.text(1);
  w.url = row.text(2);
  w.events = from_json_array(row.text(3)).value_or(std::vector<std::string>{});
  w.secret = row.text(4);
  w.active = row.int64(5) != 0;
  w.created_at = row.int64(6);
  return w;
}

WebhookDelivery delivery_from_row(const Statement& row) {
  WebhookDelivery d;
  d.id = row.int64(0);
  d.webhook_id = row.int64(1);
  d.event = row.text(2);
  d.body = row.text(3);
  d.status = row.text(4);
  d.attempts = static_cast<int>(row.int64(5));
  d.next_attempt_at = row.int64(6);
  d.last_error = row.text(7);
  d.created_at = row.int64(8);
  d.updated_at = row.int64(9);
  return d;
}

template <class T>
std::vector<T> select_rows(Connection& conn, const std::string& sql,
                           const std::function<void(Statement&)>& bind,
                           T (*from_row)(const Statement&)) {
  auto stmt = conn.prepare(sql);
  bind(stmt);
  std::vector<T> out;
  while (stmt.step()) out.push_back(from_row(stmt));
  return out;
}

// The account's id; nullopt for "" (admin). Error when a named account does not exist.
Result<std::optional<std::int64_t>> owner_id(Connection& conn, const std::string& account) {
  if (account.empty()) return std::optional<std::int64_t>{};
  auto stmt = conn.prepare("SELECT id FROM accounts WHERE name = ?");
  stmt.bind(1, normalize_name(account));
  if (!stmt.step()) return Error{"no such account: " + normalize_name(account)};
  return std::optional<std::int64_t>{stmt.int64(0)};
}

void bind_owner(Statement& stmt, int index, const std::optional<std::int64_t>& id) {
  if (id)
    stmt.bind(index, *id);
  else
    stmt.bind_null(index);
}

// validate_account_name's words, naming what is actually being named.
Status validate_api_key_name(const std::string& name) {
  Status s = validate_account_name(name);
  if (s) return s;
  std::string msg = s.error().message;
  constexpr std::string_view kFrom = "invalid account name";
  if (msg.starts_with(kFrom)) msg.replace(0, kFrom.size(), "invalid API key name");
  return Error{msg};
}

bool valid_delivery_status(const std::string& status) {
  return status == "pending" || status == "delivered" || status == "dead";
}

int clamp_limit(int limit) { return limit <= 0 ? 100 : std::min(limit, kMaxLimit); }

// The HourlyStats counter of a message-log status; nullptr for statuses the charts ignore.
// A suppressed recipient is refused at RCPT (550 5.1.1), so it is charted as rejected.
std::int64_t* counter_of(HourlyStats& h, const std::string& status) {
  if (status == "accepted") return &h.accepted;
  if (status == "delivered") return &h.delivered;
  if (status == "deferred") return &h.deferred;
  if (status == "bounced") return &h.bounced;
  if (status == "expired") return &h.expired;
  if (status == "rejected" || status == "suppressed") return &h.rejected;
  return nullptr;
}

}  // namespace

// --- API keys ---

Result<ApiKey> SqliteStore::create_api_key(const ApiKey& key) {
  if (auto s = validate_api_key_name(key.name); !s) return s.error();
  if (key.key_hash.empty()) return Error{"API key hash must not be empty"};
  const std::string name = normalize_name(key.name);
  std::lock_guard lock(mu_);
  try {
    Transaction tx(*conn_);
    auto owner = owner_id(*conn_, key.account);
    if (!owner) return owner.error();
    auto taken = conn_->prepare("SELECT 1 FROM api_keys WHERE name = ? AND revoked_at = 0");
    taken.bind(1, name);
    if (taken.step()) return Error{"API key \"" + name + "\" already exists"};
    auto insert = conn_->prepare(
        "INSERT INTO api_keys (name, account_id, key_hash, prefix, created_at)"
        " VALUES (?, ?, ?, ?, ?)");
    insert.bind(1, name);
    bind_owner(insert, 2, *owner);
    insert.bind(3, key.key_hash).bind(4, key.prefix).bind(5, clock_.now_ms()).run();
    const std::int64_t id = conn_->last_insert_rowid();
    auto created = select_rows<ApiKey>(*conn_, std::string(kSelectApiKey) + " WHERE k.id = ?",
                                       [&](Statement& st) { st.bind(1, id); }, api_key_from_row);
    tx.commit();
    ++local_changes_;
    return created.at(0);
  } catch (const SqliteError& e) {
    // The name was checked above: only the hash can collide (never, with 256-bit keys).
    if (e.unique_violation())
      return Error{"API key \"" + name + "\" could not be stored: duplicate key"};
    return Error{e.what()};
  }
}

std::optional<ApiKey> SqliteStore::find_api_key_by_hash(const std::string& key_hash) {
  std::lock_guard lock(mu_);
  auto found = select_rows<ApiKey>(
      *conn_, std::string(kSelectApiKey) + " WHERE k.key_hash = ? AND k.revoked_at = 0",
      [&](Statement& st) { st.bind(1, key_hash); }, api_key_from_row);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<ApiKey> SqliteStore::list_api_keys(const std::optional<std::string>& account) {
  std::lock_guard lock(mu_);
  const std::string base = std::string(kSelectApiKey) + " WHERE k.revoked_at = 0";
  if (!account)
    return select_rows<ApiKey>(*conn_, base + " ORDER BY k.name", [](Statement&) {},
                               api_key_from_row);
  if (account->empty())
    return select_rows<ApiKey>(*conn_, base + " AND k.account_id IS NULL ORDER BY k.name",
                               [](Statement&) {}, api_key_from_row);
  return select_rows<ApiKey>(
      *conn_, base + " AND a.name = ? ORDER BY k.name",
      [&](Statement& st) { st.bind(1, normalize_name(*account)); }, api_key_from_row);
}

Status SqliteStore::revoke_api_key(const std::string& name) {
  std::lock_guard lock(mu_);
  try {
    conn_->prepare("UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at = 0")
        .bind(1, std::max<Millis>(clock_.now_ms(), 1))
        .bind(2, normalize_name(name))
        .run();
    if (conn_->changes() == 0) return Error{"no such API key: " + normalize_name(name)};
    ++local_changes_;
    return ok_status();
  } catch (const SqliteError& e) {
    return Error{e.what()};
  }
}

void SqliteStore::touch_api_key(std::int64_t id, Millis when) {
  std::lock_guard lock(mu_);
  try {
    conn_->prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ? AND last_used_at < ?")
        .bind(1, when)
        .bind(2, id)
        .bind(3, when)
        .run();
  } catch (const SqliteError&) {
    // Best effort: a busy database must not fail the request that used the key.
  }
}

// --- webhooks ---

Result<Webhook> SqliteStore::create_webhook(const Webhook& hook) {
  if (!hook.url.starts_with("http://") && !hook.url.starts_with("https://"))
    return Error{"invalid webhook url: must start with http:// or https://"};
  if (hook.secret.empty()) return Error{"webhook secret must not be empty"};
  std::lock_guard lock(mu_);
  try {
    Transaction tx(*conn_);
    auto owner = owner_id(*conn_, hook.account);
    if (!owner) return owner.error();
    auto insert = conn_->prepare(
        "INSERT INTO webhooks (account_id, url, events, secret, active, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)");
    bind_owner(insert, 1, *owner);
    insert.bind(2, hook.url)
        .bind(3, to_json_array(hook.events))
        .bind(4, hook.secret)
        .bind(5, std::int64_t{hook.active ? 1 : 0})
        .bind(6, clock_.now_ms())
        .run();
    const std::int64_t id = conn_->last_insert_rowid();
    auto created = select_rows<Webhook>(*conn_, std::string(kSelectWebhook) + " WHERE w.id = ?",
                                        [&](Statement& st) { st.bind(1, id); }, webhook_from_row);
    tx.commit();
    return created.at(0);
  } catch (const SqliteError& e) {
    return Error{e.what()};
  }
}

std::optional<Webhook> SqliteStore::find_webhook(std::int64_t id) {
  std::lock_guard lock(mu_);
  auto found = select_rows<Webhook>(*conn_, std::string(kSelectWebhook) + " WHERE w.id = ?",
                                    [&](Statement& st) { st.bind(1, id); }, webhook_from_row);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<Webhook> SqliteStore::list_webhooks(const std::optional<std::string>& account) {
  std::lock_guard lock(mu_);
  const std::string base = kSelectWebhook;
  if (!account)
    return select_rows<Webhook>(*conn_, base + " ORDER BY w.id", [](Statement&) {},
                                webhook_from_row);
  if (account->empty())
    return select_rows<Webhook>(*conn_, base + " WHERE w.account_id IS NULL ORDER BY w.id",
                                [](Statement&) {}, webhook_from_row);
  return select_rows<Webhook>(
      *conn_, base + " WHERE a.name = ? ORDER BY w.id",
      [&](Statement& st) { st.bind(1, normalize_name(*account)); }, webhook_from_row);
}

Status SqliteStore::remove_webhook(std::int64_t id) {
  std::lock_guard lock(mu_);
  try {
    conn_->prepare("DELETE FROM webhooks WHERE id = ?").bind(1, id).run();  // deliveries cascade
    if (conn_->changes() == 0) return Error{"no such webhook: " + std::to_string(id)};
    return ok_status();
  } catch (const SqliteError& e) {
    return Error{e.what()};
  }
}

// --- webhook deliveries ---

Status SqliteStore::enqueue_webhook_deliveries(const std::vector<WebhookDelivery>& rows) {
  if (rows.empty()) return ok_status();
  std::lock_guard lock(mu_);
  try {
    Transaction tx(*conn_);
    const Millis now = clock_.now_ms();
    for (const WebhookDelivery& d : rows) {
      const Millis created = d.created_at ? d.created_at : now;
      conn_->prepare(
               "INSERT INTO webhook_deliveries (webhook_id, event, body, status, attempts,"
               " next_attempt_at, last_error, created_at, updated_at)"
               " VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?)")
          .bind(1, d.webhook_id)
          .bind(2, d.event)
          .bind(3, d.body)
          .bind(4, std::int64_t{d.attempts})
          .bind(5, d.next_attempt_at)
          .bind(6, d.last_error)
          .bind(7, created)
          .bind(8, d.updated_at ? d.updated_at : created)
          .run();
    }
    tx.commit();
    return ok_status();
  } catch (const SqliteError& e) {
    // The only foreign key: a webhook removed meanwhile (or never there).
    return Error{std::string("cannot queue webhook deliveries: ") + e.what()};
  }
}

std::vector<WebhookDelivery> SqliteStore::due_webhook_deliveries(Millis now, int limit) {
  std::lock_guard lock(mu_);
  return select_rows<WebhookDelivery>(
      *conn_,
      std::string(kSelectDelivery) +
          " WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id"
          " LIMIT ?",
      [&](Statement& st) { st.bind(1, now).bind(2, std::int64_t{clamp_limit(limit)}); },
      delivery_from_row);
}

Status SqliteStore::update_webhook_delivery(const WebhookDelivery& row) {
  if (!valid_delivery_status(row.status))
    return Error{"invalid webhook delivery status \"" + row.status + "\""};
  std::lock_guard lock(mu_);
  try {
    conn_->prepare(
             "UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?,"
             " last_error = ?, updated_at = ? WHERE id = ?")
        .bind(1, row.status)
        .bind(2, std::int64_t{row.attempts})
        .bind(3, row.next_attempt_at)
        .bind(4, row.last_error)
        .bind(5, row.updated_at ? row.updated_at : clock_.now_ms())
        .bind(6, row.id)
        .run();
    if (conn_->changes() == 0)
      return Error{"no such webhook delivery: " + std::to_string(row.id)};
    return ok_status();
  } catch (const SqliteError& e) {
    return Error{e.what()};
  }
}

std::vector<WebhookDelivery> SqliteStore::list_webhook_deliveries(
    std::int64_t webhook_id, const std::optional<std::string>& status, int limit) {
  std::lock_guard lock(mu_);
  const std::int64_t n = clamp_limit(limit);
  if (status)
    return select_rows<WebhookDelivery>(
        *conn_,
        std::string(kSelectDelivery) +
            " WHERE webhook_id = ? AND status = ? ORDER BY id DESC LIMIT ?",
        [&](Statement& st) { st.bind(1, webhook_id).bind(2, *status).bind(3, n); },
        delivery_from_row);
  return select_rows<WebhookDelivery>(
      *conn_, std::string(kSelectDelivery) + " WHERE webhook_id = ? ORDER BY id DESC LIMIT ?",
      [&](Statement& st) { st.bind(1, webhook_id).bind(2, n); }, delivery_from_row);
}

Status SqliteStore::redeliver_webhook_delivery(std::int64_t id, Millis now) {
  std::lock_guard lock(mu_);
  try {
    auto stmt = conn_->prepare("SELECT status FROM webhook_deliveries WHERE id = ?");
    stmt.bind(1, id);
    if (!stmt.step()) return Error{"no such webhook delivery: " + std::to_string(id)};
    if (stmt.text(0) == "delivered")
      return Error{"webhook delivery " + std::to_string(id) + " was already delivered"};
    conn_->prepare(
             "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?1,"
             " updated_at = ?1 WHERE id = ?2")
        .bind(1, now)
        .bind(2, id)
        .run();
    return ok_status();
  } catch (const SqliteError& e) {
    return Error{e.what()};
  }
}

// --- overview ---

std::vector<HourlyStats> SqliteStore::hourly_stats(Millis since,
                                                   const std::optional<std::string>& account) {
  const Millis from = since >= 0 ? since / kHour * kHour : 0;
  const std::string by_account = account ? " AND account = ?" : "";
  std::map<Millis, HourlyStats> hours;
  auto row_of = [&](Millis hour) -> HourlyStats& {
    HourlyStats& h = hours[hour];
    h.hour = hour;
    return h;
  };
  std::lock_guard lock(mu_);
  {
    auto stmt = conn_->prepare(
        "SELECT time / 3600000, status, count(*) FROM message_events WHERE time >= ?" +
        by_account + " GROUP BY 1, 2");
    stmt.bind(1, from);
    if (account) stmt.bind(2, normalize_name(*account));
    while (stmt.step()) {
      const Millis hour = stmt.int64(0) * kHour;
      const std::string status = stmt.text(1);
      HourlyStats probe;
      if (!counter_of(probe, status)) continue;
      *counter_of(row_of(hour), status) += stmt.int64(2);
    }
  }
  {
    auto stmt = conn_->prepare(
        "SELECT time / 3600000, count(*) FROM auth_events WHERE result = 'fail' AND time >= ?" +
        by_account + " GROUP BY 1");
    stmt.bind(1, from);
    if (account) stmt.bind(2, normalize_name(*account));
    while (stmt.step()) row_of(stmt.int64(0) * kHour).auth_failed += stmt.int64(1);
  }
  std::vector<HourlyStats> out;
  out.reserve(hours.size());
  for (auto& [hour, stats] : hours) out.push_back(stats);
  return out;
}

}  // namespace postern::storage::sqlite
