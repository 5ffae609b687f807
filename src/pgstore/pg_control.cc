// PgStore: the ControlStore part (API keys, webhooks, webhook deliveries, hourly stats).
// Account names in rows come from a join on accounts (account_id NULL = admin, name "").
#include <algorithm>
#include <map>
#include <string_view>

#include "pgstore/pg_store.h"
#include "pgstore/row_codec.h"
#include "storage/names.h"

namespace postern::pgstore {

using storage::ApiKey;
using storage::HourlyStats;
using storage::Webhook;
using storage::WebhookDelivery;

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

std::vector<ApiKey> api_keys_from(const PgResult& r) {
  std::vector<ApiKey> out;
  for (int i = 0; i < r.rows(); ++i) {
    ApiKey k;
    k.id = r.int64(i, 0);
    k.name = r.text(i, 1);
    k.account = r.text(i, 2);
    k.key_hash = r.text(i, 3);
    k.prefix = r.text(i, 4);
    k.created_at = r.int64(i, 5);
    k.last_used_at = r.int64(i, 6);
    k.revoked_at = r.int64(i, 7);
    out.push_back(std::move(k));
  }
  return out;
}

std::vector<Webhook> webhooks_from(const PgResult& r) {
  std::vector<Webhook> out;
  for (int i = 0; i < r.rows(); ++i) {
    Webhook w;
    w.id = r.int64(i, 0);
    w.account = r.text(i, 1);
    w.url = r.text(i, 2);
    w.events = from_json_array(r.text(i, 3)).value_or(std::vector<std::string>{});
    w.secret = r.text(i, 4);
    w.active = r.boolean(i, 5);
    w.created_at = r.int64(i, 6);
    out.push_back(std::move(w));
  }
  return out;
}

std::vector<WebhookDelivery> deliveries_from(const PgResult& r) {
  std::vector<WebhookDelivery> out;
  for (int i = 0; i < r.rows(); ++i) {
    WebhookDelivery d;
    d.id = r.int64(i, 0);
    d.webhook_id = r.int64(i, 1);
    d.event = r.text(i, 2);
    d.body = r.text(i, 3);
    d.status = r.text(i, 4);
    d.attempts = static_cast<int>(r.int64(i, 5));
    d.next_attempt_at = r.int64(i, 6);
    d.last_error = r.text(i, 7);
    d.created_at = r.int64(i, 8);
    d.updated_at = r.int64(i, 9);
    out.push_back(std::move(d));
  }
  return out;
}

template <class T>
std::optional<T> first(std::vector<T> rows) {
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

// The account's id as a parameter; NULL for "" (admin). Error when a named account does not
// exist.
Result<Param> owner_id(Connection& c, const std::string& account) {
  if (account.empty()) return Param(std::nullopt);
  auto r = c.exec("SELECT id FROM accounts WHERE name = $1", {storage::normalize_name(account)});
  if (r.rows() == 0) return Error{"no such account: " + storage::normalize_name(account)};
  return Param(r.int64(0, 0));
}

// validate_account_name's words, naming what is actually being named.
Status validate_api_key_name(const std::string& name) {
  Status s = storage::validate_account_name(name);
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

Result<ApiKey> PgStore::create_api_key(const ApiKey& key) {
  if (auto s = validate_api_key_name(key.name); !s) return s.error();
  if (key.key_hash.empty()) return Error{"API key hash must not be empty"};
  const std::string name = storage::normalize_name(key.name);
  try {
    auto created = write([&](Connection& c) -> Result<ApiKey> {
      Transaction tx(c);
      auto owner = owner_id(c, key.account);
      if (!owner) return owner.error();
      const std::int64_t id =
          c.exec("INSERT INTO api_keys (name, account_id, key_hash, prefix, created_at)"
                 " VALUES ($1, $2, $3, $4, $5) RETURNING id",
                 {name, *owner, key.key_hash, key.prefix, clock_.now_ms()})
              .int64(0, 0);
      auto row = first(api_keys_from(c.exec(std::string(kSelectApiKey) + " WHERE k.id = $1", {id})));
      tx.commit();
      if (!row) return Error{"API key \"" + name + "\" vanished after insert"};
      return std::move(*row);
    });
    if (created) changed();
    return created;
  } catch (const PgError& e) {
    if (e.unique_violation()) {
      // The live-name index; the hash cannot collide with 256-bit keys.
      if (e.constraint == "api_keys_live_name") return Error{"API key \"" + name + "\" already exists"};
      return Error{"API key \"" + name + "\" could not be stored: duplicate"};
    }
    return Error{e.what()};
  }
}

std::optional<ApiKey> PgStore::find_api_key_by_hash(const std::string& key_hash) {
  return read([&](Connection& c) {
    return first(api_keys_from(c.exec(
        std::string(kSelectApiKey) + " WHERE k.key_hash = $1 AND k.revoked_at = 0", {key_hash})));
  });
}

std::vector<ApiKey> PgStore::list_api_keys(const std::optional<std::string>& account) {
  const std::string base = std::string(kSelectApiKey) + " WHERE k.revoked_at = 0";
  return read([&](Connection& c) {
    if (!account) return api_keys_from(c.exec(base + " ORDER BY k.name"));
    if (account->empty())
      return api_keys_from(c.exec(base + " AND k.account_id IS NULL ORDER BY k.name"));
    return api_keys_from(
        c.exec(base + " AND a.name = $1 ORDER BY k.name", {storage::normalize_name(*account)}));
  });
}

Status PgStore::revoke_api_key(const std::string& name) {
  try {
    auto n = write([&](Connection& c) {
      return c
          .exec("UPDATE api_keys SET revoked_at = $1 WHERE name = $2 AND revoked_at = 0",
                {std::max<Millis>(clock_.now_ms(), 1), storage::normalize_name(name)})
          .affected();
    });
    if (n == 0) return Error{"no such API key: " + storage::normalize_name(name)};
    changed();
    return ok_status();
  } catch (const PgError& e) {
    return Error{e.what()};
  }
}

void PgStore::touch_api_key(std::int64_t id, Millis when) {
  try {
    write([&](Connection& c) {
      c.exec("UPDATE api_keys SET last_used_at = $1 WHERE id = $2 AND last_used_at < $1",
             {when, id});
      return 0;
    });
  } catch (const storage::StoreError&) {
    // Best effort: a busy database must not fail the request that used the key.
  }
}

// --- webhooks ---

Result<Webhook> PgStore::create_webhook(const Webhook& hook) {
  if (!hook.url.starts_with("http://") && !hook.url.starts_with("https://"))
    return Error{"invalid webhook url: must start with http:// or https://"};
  if (hook.secret.empty()) return Error{"webhook secret must not be empty"};
  try {
    auto created = write([&](Connection& c) -> Result<Webhook> {
      Transaction tx(c);
      auto owner = owner_id(c, hook.account);
      if (!owner) return owner.error();
      const std::int64_t id =
          c.exec("INSERT INTO webhooks (account_id, url, events, secret, active, created_at)"
                 " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                 {*owner, hook.url, to_json_array(hook.events), hook.secret,
                  Param::boolean(hook.active), clock_.now_ms()})
              .int64(0, 0);
      auto row = first(webhooks_from(c.exec(std::string(kSelectWebhook) + " WHERE w.id = $1", {id})));
      tx.commit();
      if (!row) return Error{"webhook vanished after insert"};
      return std::move(*row);
    });
    if (created) changed();
    return created;
  } catch (const PgError& e) {
    return Error{e.what()};
  }
}

std::optional<Webhook> PgStore::find_webhook(std::int64_t id) {
  return read([&](Connection& c) {
    return first(webhooks_from(c.exec(std::string(kSelectWebhook) + " WHERE w.id = $1", {id})));
  });
}

std::vector<Webhook> PgStore::list_webhooks(const std::optional<std::string>& account) {
  const std::string base = kSelectWebhook;
  return read([&](Connection& c) {
    if (!account) return webhooks_from(c.exec(base + " ORDER BY w.id"));
    if (account->empty())
      return webhooks_from(c.exec(base + " WHERE w.account_id IS NULL ORDER BY w.id"));
    return webhooks_from(
        c.exec(base + " WHERE a.name = $1 ORDER BY w.id", {storage::normalize_name(*account)}));
  });
}

Status PgStore::remove_webhook(std::int64_t id) {
  try {
    auto n = write([&](Connection& c) {
      // Its deliveries go with it (ON DELETE CASCADE).
      return c.exec("DELETE FROM webhooks WHERE id = $1", {id}).affected();
    });
    if (n == 0) return Error{"no such webhook: " + std::to_string(id)};
    changed();
    return ok_status();
  } catch (const PgError& e) {
    return Error{e.what()};
  }
}

// --- webhook deliveries ---

Status PgStore::enqueue_webhook_deliveries(const std::vector<WebhookDelivery>& rows) {
  if (rows.empty()) return ok_status();
  const Millis now = clock_.now_ms();
  std::vector<Param> values;
  for (const WebhookDelivery& d : rows) {
    const Millis created = d.created_at ? d.created_at : now;
    for (Param p : {Param(d.webhook_id), Param(d.event), Param(d.body), Param(d.attempts),
                    Param(d.next_attempt_at), Param(d.last_error), Param(created),
                    Param(d.updated_at ? d.updated_at : created)})
      values.push_back(std::move(p));
  }
  try {
    write([&](Connection& c) {
      Transaction tx(c);
      exec_values(c,
                  "INSERT INTO webhook_deliveries (webhook_id, event, body, attempts,"
                  " next_attempt_at, last_error, created_at, updated_at)",
                  8, values);
      tx.commit();
      return 0;
    });
    return ok_status();
  } catch (const PgError& e) {
    // The only foreign key: a webhook removed meanwhile (or never there).
    return Error{std::string("cannot queue webhook deliveries: ") + e.what()};
  }
}

std::vector<WebhookDelivery> PgStore::due_webhook_deliveries(Millis now, int limit) {
  return read([&](Connection& c) {
    return deliveries_from(c.exec(std::string(kSelectDelivery) +
                                      " WHERE status = 'pending' AND next_attempt_at <= $1"
                                      " ORDER BY next_attempt_at, id LIMIT $2",
                                  {now, clamp_limit(limit)}));
  });
}

Status PgStore::update_webhook_delivery(const WebhookDelivery& row) {
  if (!valid_delivery_status(row.status))
    return Error{"invalid webhook delivery status \"" + row.status + "\""};
  try {
    auto n = write([&](Connection& c) {
      return c
          .exec("UPDATE webhook_deliveries SET status = $1, attempts = $2, next_attempt_at = $3,"
                " last_error = $4, updated_at = $5 WHERE id = $6",
                {row.status, row.attempts, row.next_attempt_at, row.last_error,
                 row.updated_at ? row.updated_at : clock_.now_ms(), row.id})
          .affected();
    });
    if (n == 0) return Error{"no such webhook delivery: " + std::to_string(row.id)};
    return ok_status();
  } catch (const PgError& e) {
    return Error{e.what()};
  }
}

std::vector<WebhookDelivery> PgStore::list_webhook_deliveries(
    std::int64_t webhook_id, const std::optional<std::string>& status, int limit) {
  return read([&](Connection& c) {
    if (status)
      return deliveries_from(c.exec(std::string(kSelectDelivery) +
                                        " WHERE webhook_id = $1 AND status = $2"
                                        " ORDER BY id DESC LIMIT $3",
                                    {webhook_id, *status, clamp_limit(limit)}));
    return deliveries_from(c.exec(
        std::string(kSelectDelivery) + " WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2",
        {webhook_id, clamp_limit(limit)}));
  });
}

Status PgStore::redeliver_webhook_delivery(std::int64_t id, Millis now) {
  try {
    return write([&](Connection& c) -> Status {
      Transaction tx(c);
      auto r = c.exec("SELECT status FROM webhook_deliveries WHERE id = $1 FOR UPDATE", {id});
      if (r.rows() == 0) return Error{"no such webhook delivery: " + std::to_string(id)};
      if (r.text(0, 0) == "delivered")
        return Error{"webhook delivery " + std::to_string(id) + " was already delivered"};
      c.exec("UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $1,"
             " updated_at = $1 WHERE id = $2",
             {now, id});
      tx.commit();
      return ok_status();
    });
  } catch (const PgError& e) {
    return Error{e.what()};
  }
}

// --- overview ---

std::vector<HourlyStats> PgStore::hourly_stats(Millis since,
                                               const std::optional<std::string>& account) {
  const Millis from = since >= 0 ? since / kHour * kHour : 0;
  const std::string by_account = account ? " AND account = $2" : "";
  std::map<Millis, HourlyStats> hours;
  auto row_of = [&](Millis hour) -> HourlyStats& {
    HourlyStats& h = hours[hour];
    h.hour = hour;
    return h;
  };
  auto params = [&]() -> std::vector<Param> {
    if (account) return {Param(from), Param(storage::normalize_name(*account))};
    return {Param(from)};
  }();
  read([&](Connection& c) {
    hours.clear();  // a retry starts over
    auto messages = c.exec(
        "SELECT time / 3600000, status, count(*) FROM message_events WHERE time >= $1" +
            by_account + " GROUP BY 1, 2",
        params);
    for (int i = 0; i < messages.rows(); ++i) {
      const std::string status = messages.text(i, 1);
      HourlyStats probe;
      if (!counter_of(probe, status)) continue;
      *counter_of(row_of(messages.int64(i, 0) * kHour), status) += messages.int64(i, 2);
    }
    auto failures = c.exec(
        "SELECT time / 3600000, count(*) FROM auth_events WHERE result = 'fail' AND time >= $1" +
            by_account + " GROUP BY 1",
        params);
    for (int i = 0; i < failures.rows(); ++i)
      row_of(failures.int64(i, 0) * kHour).auth_failed += failures.int64(i, 1);
    return 0;
  });
  std::vector<HourlyStats> out;
  out.reserve(hours.size());
  for (auto& [hour, stats] : hours) out.push_back(stats);
  return out;
}

}  // namespace postern::pgstore
