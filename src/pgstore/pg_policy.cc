// PgStore: the PolicyStore (quota usage, account rates, suppressions, idempotency keys).
// Counters are exact across nodes: a quota charge is one INSERT ... ON CONFLICT DO UPDATE
// whose WHERE is evaluated on the locked, latest row, so concurrent charges from any number
// of nodes queue on that row and never pass the limit together.
#include <algorithm>
#include <cctype>

#include "pgstore/pg_store.h"
#include "storage/names.h"

namespace postern::pgstore {

using storage::IdempotencyClaim;
using storage::QuotaCharge;
using storage::QuotaUsage;
using storage::Suppression;

namespace {

// As SqliteStore: suppressed addresses are compared lower-cased, local parts included.
Result<std::string> normalize_address(const std::string& raw) {
  std::string a = raw;
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  a.erase(a.begin(), std::find_if(a.begin(), a.end(), not_space));
  a.erase(std::find_if(a.rbegin(), a.rend(), not_space).base(), a.end());
  if (a.size() >= 2 && a.front() == '<' && a.back() == '>') a = a.substr(1, a.size() - 2);
  for (char& c : a) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto at = a.rfind('@');
  if (a.empty() || a.size() > 320 || at == std::string::npos || at == 0 || at + 1 == a.size() ||
      std::any_of(a.begin(), a.end(), [](unsigned char c) { return std::isspace(c) || c < 0x20; }))
    return Error{"invalid email address '" + raw + "'"};
  return a;
}

std::optional<std::int64_t> account_id_of(Connection& c, const std::string& name) {
  auto r = c.exec("SELECT id FROM accounts WHERE name = $1", {storage::normalize_name(name)});
  if (r.rows() == 0) return std::nullopt;
  return r.int64(0, 0);
}

Error no_account(const std::string& name) {
  return Error{"no such account: " + storage::normalize_name(name)};
}

// The stored usage, restarted at 0 when it belongs to another period.
QuotaUsage read_usage(Connection& c, std::int64_t user_id, Millis period_start) {
  auto r = c.exec("SELECT used, period_start FROM quota_usage WHERE user_id = $1", {user_id});
  if (r.rows() == 0 || r.int64(0, 1) != period_start) return QuotaUsage{0, period_start};
  return QuotaUsage{r.int64(0, 0), period_start};
}

}  // namespace

// --- quotas ---

Result<QuotaCharge> PgStore::charge_quota(std::int64_t user_id, Millis period_start,
                                          std::int64_t n, std::int64_t limit) {
  if (n < 0) return Error{"negative quota charge"};
  try {
    return write([&](Connection& c) -> Result<QuotaCharge> {
      // One statement: insert the first usage of a user, or add to the stored one (restarted
      // at 0 when it is of another period); either only while the result stays within the
      // limit (0: no limit). The insert's SELECT ... WHERE skips a first charge that is over
      // the limit by itself; the update's WHERE sees the row as locked, after any concurrent
      // charge committed.
      auto r = c.exec(
          "INSERT INTO quota_usage AS q (user_id, period_start, used)"
          " SELECT $1, $2, $3 WHERE $4 = 0 OR $3 <= $4"
          " ON CONFLICT (user_id) DO UPDATE SET period_start = $2,"
          "   used = CASE WHEN q.period_start = $2 THEN q.used ELSE 0 END + $3"
          " WHERE $4 = 0 OR CASE WHEN q.period_start = $2 THEN q.used ELSE 0 END + $3 <= $4"
          " RETURNING used",
          {user_id, period_start, n, limit});
      if (r.rows() == 1) return QuotaCharge{true, QuotaUsage{r.int64(0, 0), period_start}};
      // Refused: nothing changed. The usage reported is read just after (informational).
      return QuotaCharge{false, read_usage(c, user_id, period_start)};
    });
  } catch (const PgError& e) {
    return Error{e.what()};
  }
}

Status PgStore::refund_quota(std::int64_t user_id, Millis period_start, std::int64_t n) {
  try {
    write([&](Connection& c) {
      c.exec("UPDATE quota_usage SET used = greatest(0, used - $1)"
             " WHERE user_id = $2 AND period_start = $3",
             {n, user_id, period_start});
      return 0;
    });
    return ok_status();
  } catch (const PgError& e) {
    return Error{e.what()};
  }
}

QuotaUsage PgStore::quota_usage(std::int64_t user_id, Millis period_start) {
  return read([&](Connection& c) { return read_usage(c, user_id, period_start); });
}

// --- account rates ---

Status PgStore::set_account_rate(const std::string& account, const std::string& rate) {
  try {
    auto n = write([&](Connection& c) {
      return c
          .exec("UPDATE accounts SET rate = $1 WHERE name = $2",
                {rate, storage::normalize_name(account)})
          .affected();
    });
    if (n == 0) return no_account(account);
    changed();
    return ok_status();
  } catch (const PgError& e) {
    return Error{e.what()};
  }
}

std::string PgStore::account_rate(std::int64_t account_id) {
  return read([&](Connection& c) {
    auto r = c.exec("SELECT rate FROM accounts WHERE id = $1", {account_id});
    return r.rows() ? r.text(0, 0) : std::string();
  });
}

// --- suppressions ---

Result<bool> PgStore::add_suppression(const std::string& account, const std::string& raw,
                                      const std::string& reason) {
  auto address = normalize_address(raw);
  if (!address) return address.error();
  try {
    return write([&](Connection& c) -> Result<bool> {
      auto id = account_id_of(c, account);
      if (!id) return no_account(account);
      return c
                 .exec("INSERT INTO suppressions (account_id, address, reason, created_at)"
                       " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                       {*id, *address, reason, clock_.now_ms()})
                 .affected() > 0;
    });
  } catch (const PgError& e) {
    return Error{e.what()};
  }
}

Result<bool> PgStore::remove_suppression(const std::string& account, const std::string& raw) {
  auto address = normalize_address(raw);
  if (!address) return address.error();
  try {
    return write([&](Connection& c) -> Result<bool> {
      auto id = account_id_of(c, account);
      if (!id) return no_account(account);
      return c
                 .exec("DELETE FROM suppressions WHERE account_id = $1 AND address = $2",
                       {*id, *address})
                 .affected() > 0;
    });
  } catch (const PgError& e) {
    return Error{e.what()};
  }
}

Result<std::vector<Suppression>> PgStore::list_suppressions(const std::string& account) {
  try {
    return read([&](Connection& c) -> Result<std::vector<Suppression>> {
      auto id = account_id_of(c, account);
      if (!id) return no_account(account);
      auto r = c.exec(
          "SELECT address, reason, created_at FROM suppressions WHERE account_id = $1"
          " ORDER BY address",
          {*id});
      std::vector<Suppression> out;
      for (int i = 0; i < r.rows(); ++i)
        out.push_back(Suppression{r.text(i, 0), r.text(i, 1), r.int64(i, 2)});
      return out;
    });
  } catch (const PgError& e) {
    return Error{e.what()};
  }
}

Result<std::int64_t> PgStore::import_suppressions(const std::string& account,
                                                  std::span<const Suppression> rows) {
  std::vector<Suppression> clean;
  for (const Suppression& row : rows) {
    auto address = normalize_address(row.address);
    if (!address) return address.error();
    clean.push_back(Suppression{*address, row.reason, row.created_at});
  }
  try {
    return write([&](Connection& c) -> Result<std::int64_t> {
      Transaction tx(c);
      auto id = account_id_of(c, account);
      if (!id) return no_account(account);
      if (clean.empty()) return std::int64_t{0};
      const Millis now = clock_.now_ms();
      std::vector<Param> values;
      for (const Suppression& row : clean)
        for (Param p : {Param(*id), Param(row.address), Param(row.reason),
                        Param(row.created_at > 0 ? row.created_at : now)})
          values.push_back(std::move(p));
      const std::int64_t added = exec_values(
          c, "INSERT INTO suppressions (account_id, address, reason, created_at)", 4, values,
          "ON CONFLICT DO NOTHING");
      tx.commit();
      return added;
    });
  } catch (const PgError& e) {
    return Error{e.what()};
  }
}

bool PgStore::is_suppressed(std::int64_t account_id, const std::string& raw) {
  auto address = normalize_address(raw);
  if (!address) return false;
  return read([&](Connection& c) {
    return c
               .exec("SELECT 1 FROM suppressions WHERE account_id = $1 AND address = $2",
                     {account_id, *address})
               .rows() > 0;
  });
}

// --- idempotency keys ---

Result<IdempotencyClaim> PgStore::claim_idempotency_key(std::int64_t user_id,
                                                        const std::string& key,
                                                        const std::string& body_hash,
                                                        Millis now, Millis ttl,
                                                        Millis in_flight_timeout) {
  using Kind = IdempotencyClaim::Kind;
  try {
    return write([&](Connection& c) -> Result<IdempotencyClaim> {
      Transaction tx(c);
      c.exec("DELETE FROM idempotency_keys WHERE expires_at <= $1", {now});
      // A reservation whose session died (crash between end of DATA and queueing) frees
      // its key.
      c.exec("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2"
             " AND queue_id IS NULL AND created_at <= $3",
             {user_id, key, now - in_flight_timeout});
      // Reserve, or lock the row that holds the key: a concurrent claim of the same key
      // waits here for our commit, then finds the row.
      if (c.exec("INSERT INTO idempotency_keys (user_id, key, body_hash, queue_id, created_at,"
                 " expires_at) VALUES ($1, $2, $3, NULL, $4, $5)"
                 " ON CONFLICT (user_id, key) DO NOTHING",
                 {user_id, key, body_hash, now, now + ttl})
              .affected() == 1) {
        tx.commit();
        return IdempotencyClaim{};
      }
      auto r = c.exec("SELECT body_hash, queue_id FROM idempotency_keys"
                      " WHERE user_id = $1 AND key = $2 FOR SHARE",
                      {user_id, key});
      // Gone between the two statements (released or expired by a concurrent claim): the
      // retry of write() starts over.
      if (r.rows() == 0) throw PgError("postgresql: idempotency key vanished", "40001");
      tx.commit();
      if (r.text(0, 0) != body_hash) return IdempotencyClaim{Kind::BodyMismatch, {}};
      if (r.is_null(0, 1)) return IdempotencyClaim{Kind::InFlight, {}};
      return IdempotencyClaim{Kind::AlreadyQueued, r.text(0, 1)};
    });
  } catch (const PgError& e) {
    return Error{e.what()};
  }
}

Status PgStore::complete_idempotency_key(std::int64_t user_id, const std::string& key,
                                         const std::string& queue_id) {
  try {
    auto n = write([&](Connection& c) {
      return c
          .exec("UPDATE idempotency_keys SET queue_id = $1 WHERE user_id = $2 AND key = $3",
                {queue_id, user_id, key})
          .affected();
    });
    if (n == 0) return Error{"idempotency key not reserved"};
    return ok_status();
  } catch (const PgError& e) {
    return Error{e.what()};
  }
}

Status PgStore::release_idempotency_key(std::int64_t user_id, const std::string& key) {
  try {
    write([&](Connection& c) {
      c.exec("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND queue_id IS NULL",
             {user_id, key});
      return 0;
    });
    return ok_status();
  } catch (const PgError& e) {
    return Error{e.what()};
  }
}

}  // namespace postern::pgstore
