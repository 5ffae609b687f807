// SqliteStore: the PolicyStore (quota usage, account rates, suppressions, idempotency keys).
// Every read-modify-write runs in one IMMEDIATE transaction, so counters stay exact across
// threads (the mutex) and processes (SQLite's write lock).
#include <algorithm>
#include <cctype>

#include "storage/names.h"
#include "storage/sqlite/sqlite_store.h"

namespace postern::storage::sqlite {
namespace {

// Suppressed addresses are compared lower-cased (local parts included: in practice mailbox
// providers treat them case-insensitively, and a suppression must not be dodged by case).
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

std::optional<std::int64_t> account_id_of(Connection& conn, const std::string& name) {
  auto stmt = conn.prepare("SELECT id FROM accounts WHERE name = ?");
  stmt.bind(1, normalize_name(name));
  if (!stmt.step()) return std::nullopt;
  return stmt.int64(0);
}

Error no_account(const std::string& name) {
  return Error{"no such account: " + normalize_name(name)};
}

// Reads the stored usage row, restarted at 0 when it belongs to another period.
QuotaUsage read_usage(Connection& conn, std::int64_t user_id, Millis period_start) {
  auto stmt = conn.prepare("SELECT used, period_start FROM quota_usage WHERE user_id = ?");
  stmt.bind(1, user_id);
  if (!stmt.step() || stmt.int64(1) != period_start) return QuotaUsage{0, period_start};
  return QuotaUsage{stmt.int64(0), period_start};
}

}  // namespace

// --- quotas ---

Result<QuotaCharge> SqliteStore::charge_quota(std::int64_t user_id, Millis period_start,
                                              std::int64_t n, std::int64_t limit) {
  if (n < 0) return Error{"negative quota charge"};
  std::lock_guard lock(mu_);
  try {
    Transaction tx(*conn_);
    QuotaUsage usage = read_usage(*conn_, user_id, period_start);
    if (limit > 0 && usage.used + n > limit) return QuotaCharge{false, usage};
    usage.used += n;
    conn_->prepare(
             "INSERT INTO quota_usage (user_id, period_start, used) VALUES (?1, ?2, ?3)"
             " ON CONFLICT (user_id) DO UPDATE SET period_start = ?2, used = ?3")
        .bind(1, user_id)
        .bind(2, period_start)
        .bind(3, usage.used)
        .run();
    tx.commit();
    return QuotaCharge{true, usage};
  } catch (const SqliteError& e) {
    return Error{e.what()};
  }
}

Status SqliteStore::refund_quota(std::int64_t user_id, Millis period_start, std::int64_t n) {
  std::lock_guard lock(mu_);
  try {
    conn_->prepare(
             "UPDATE quota_usage SET used = max(0, used - ?1)"
             " WHERE user_id = ?2 AND period_start = ?3")
        .bind(1, n)
        .bind(2, user_id)
        .bind(3, period_start)
        .run();
    return ok_status();
  } catch (const SqliteError& e) {
    return Error{e.what()};
  }
}

QuotaUsage SqliteStore::quota_usage(std::int64_t user_id, Millis period_start) {
  std::lock_guard lock(mu_);
  return read_usage(*conn_, user_id, period_start);
}

// --- account rates ---

Status SqliteStore::set_account_rate(const std::string& account, const std::string& rate) {
  std::lock_guard lock(mu_);
  try {
    conn_->prepare("UPDATE accounts SET rate = ? WHERE name = ?")
        .bind(1, rate)
        .bind(2, normalize_name(account))
        .run();
    if (conn_->changes() == 0) return no_account(account);
    ++local_changes_;
    return ok_status();
  } catch (const SqliteError& e) {
    return Error{e.what()};
  }
}

std::string SqliteStore::account_rate(std::int64_t account_id) {
  std::lock_guard lock(mu_);
  auto stmt = conn_->prepare("SELECT rate FROM accounts WHERE id = ?");
  stmt.bind(1, account_id);
  return stmt.step() ? stmt.text(0) : std::string();
}

// --- suppressions ---

Result<bool> SqliteStore::add_suppression(const std::string& account, const std::string& raw,
                                          const std::string& reason) {
  auto address = normalize_address(raw);
  if (!address) return address.error();
  std::lock_guard lock(mu_);
  try {
    auto id = account_id_of(*conn_, account);
    if (!id) return no_account(account);
    conn_->prepare(
             "INSERT OR IGNORE INTO suppressions (account_id, address, reason, created_at)"
             " VALUES (?, ?, ?, ?)")
        .bind(1, *id)
        .bind(2, *address)
        .bind(3, reason)
        .bind(4, clock_.now_ms())
        .run();
    return conn_->changes() > 0;
  } catch (const SqliteError& e) {
    return Error{e.what()};
  }
}

Result<bool> SqliteStore::remove_suppression(const std::string& account, const std::string& raw) {
  auto address = normalize_address(raw);
  if (!address) return address.error();
  std::lock_guard lock(mu_);
  try {
    auto id = account_id_of(*conn_, account);
    if (!id) return no_account(account);
    conn_->prepare("DELETE FROM suppressions WHERE account_id = ? AND address = ?")
        .bind(1, *id)
        .bind(2, *address)
        .run();
    return conn_->changes() > 0;
  } catch (const SqliteError& e) {
    return Error{e.what()};
  }
}

Result<std::vector<Suppression>> SqliteStore::list_suppressions(const std::string& account) {
  std::lock_guard lock(mu_);
  try {
    auto id = account_id_of(*conn_, account);
    if (!id) return no_account(account);
    auto stmt = conn_->prepare(
        "SELECT address, reason, created_at FROM suppressions WHERE account_id = ?"
        " ORDER BY address");
    stmt.bind(1, *id);
    std::vector<Suppression> out;
    while (stmt.step()) out.push_back(Suppression{stmt.text(0), stmt.text(1), stmt.int64(2)});
    return out;
  } catch (const SqliteError& e) {
    return Error{e.what()};
  }
}

Result<std::int64_t> SqliteStore::import_suppressions(const std::string& account,
                                                      std::span<const Suppression> rows) {
  std::vector<Suppression> clean;
  for (const Suppression& row : rows) {
    auto address = normalize_address(row.address);
    if (!address) return address.error();
    clean.push_back(Suppression{*address, row.reason, row.created_at});
  }
  std::lock_guard lock(mu_);
  try {
    Transaction tx(*conn_);
    auto id = account_id_of(*conn_, account);
    if (!id) return no_account(account);
    const Millis now = clock_.now_ms();
    std::int64_t added = 0;
    for (const Suppression& row : clean) {
      conn_->prepare(
               "INSERT OR IGNORE INTO suppressions (account_id, address, reason, created_at)"
               " VALUES (?, ?, ?, ?)")
          .bind(1, *id)
          .bind(2, row.address)
          .bind(3, row.reason)
          .bind(4, row.created_at > 0 ? row.created_at : now)
          .run();
      added += conn_->changes();
    }
    tx.commit();
    return added;
  } catch (const SqliteError& e) {
    return Error{e.what()};
  }
}

bool SqliteStore::is_suppressed(std::int64_t account_id, const std::string& raw) {
  auto address = normalize_address(raw);
  if (!address) return false;
  std::lock_guard lock(mu_);
  auto stmt = conn_->prepare("SELECT 1 FROM suppressions WHERE account_id = ? AND address = ?");
  stmt.bind(1, account_id).bind(2, *address);
  return stmt.step();
}

// --- idempotency keys ---

Result<IdempotencyClaim> SqliteStore::claim_idempotency_key(std::int64_t user_id,
                                                            const std::string& key,
                                                            const std::string& body_hash,
                                                            Millis now, Millis ttl,
                                                            Millis in_flight_timeout) {
  using Kind = IdempotencyClaim::Kind;
  std::lock_guard lock(mu_);
  try {
    Transaction tx(*conn_);
    conn_->prepare("DELETE FROM idempotency_keys WHERE expires_at <= ?").bind(1, now).run();
    // A reservation whose session died (crash between end of DATA and queueing) frees its key.
    conn_->prepare(
             "DELETE FROM idempotency_keys WHERE user_id = ? AND key = ? AND queue_id IS NULL"
             " AND created_at <= ?")
        .bind(1, user_id)
        .bind(2, key)
        .bind(3, now - in_flight_timeout)
        .run();
    auto stmt = conn_->prepare(
        "SELECT body_hash, queue_id FROM idempotency_keys WHERE user_id = ? AND key = ?");
    stmt.bind(1, user_id).bind(2, key);
    IdempotencyClaim claim;
    if (stmt.step()) {
      if (stmt.text(0) != body_hash)
        claim.kind = Kind::BodyMismatch;
      else if (stmt.is_null(1))
        claim.kind = Kind::InFlight;
      else
        claim = IdempotencyClaim{Kind::AlreadyQueued, stmt.text(1)};
      return claim;  // the transaction rolls back: only expired rows were deleted, harmless
    }
    conn_->prepare(
             "INSERT INTO idempotency_keys (user_id, key, body_hash, queue_id, created_at,"
             " expires_at) VALUES (?, ?, ?, NULL, ?, ?)")
        .bind(1, user_id)
        .bind(2, key)
        .bind(3, body_hash)
        .bind(4, now)
        .bind(5, now + ttl)
        .run();
    tx.commit();
    return claim;
  } catch (const SqliteError& e) {
    return Error{e.what()};
  }
}

Status SqliteStore::complete_idempotency_key(std::int64_t user_id, const std::string& key,
                                             const std::string& queue_id) {
  std::lock_guard lock(mu_);
  try {
    conn_->prepare("UPDATE idempotency_keys SET queue_id = ? WHERE user_id = ? AND key = ?")
        .bind(1, queue_id)
        .bind(2, user_id)
        .bind(3, key)
        .run();
    if (conn_->changes() == 0) return Error{"idempotency key not reserved"};
    return ok_status();
  } catch (const SqliteError& e) {
    return Error{e.what()};
  }
}

Status SqliteStore::release_idempotency_key(std::int64_t user_id, const std::string& key) {
  std::lock_guard lock(mu_);
  try {
    conn_->prepare(
             "DELETE FROM idempotency_keys WHERE user_id = ? AND key = ? AND queue_id IS NULL")
        .bind(1, user_id)
        .bind(2, key)
        .run();
    return ok_status();
  } catch (const SqliteError& e) {
    return Error{e.what()};
  }
}

}  // namespace postern::storage::sqlite
