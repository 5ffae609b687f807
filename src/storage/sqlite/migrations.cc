#include "storage/sqlite/migrations.h"

#include <string>

namespace postern::storage::sqlite {
namespace {

// Migration 1: accounts, SMTP users (with their assigned domains) and the auth log.
// Enumerations that will grow (mode, quota_period, ...) are validated in C++ rather than by
// CHECK constraints, which SQLite cannot alter without rebuilding the table.
constexpr const char* kInitialSchema = R"sql(
CREATE TABLE accounts (
  id             INTEGER PRIMARY KEY,
  name           TEXT NOT NULL UNIQUE,
  status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  suspend_reason TEXT NOT NULL DEFAULT '',
  created_at     INTEGER NOT NULL
);

CREATE TABLE smtp_users (
  id                      INTEGER PRIMARY KEY,
  uuid                    TEXT NOT NULL UNIQUE,
  account_id              INTEGER NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
  username                TEXT NOT NULL,
  password_hash           TEXT NOT NULL,
  previous_password_hash  TEXT NOT NULL DEFAULT '',
  previous_password_until INTEGER NOT NULL DEFAULT 0,
  status                  TEXT NOT NULL CHECK (status IN ('active', 'disabled', 'deleted')),
  allow_ips               TEXT NOT NULL DEFAULT '[]',
  allow_ip_mode           TEXT NOT NULL DEFAULT 'enforce',
  mode                    TEXT NOT NULL DEFAULT 'assigned',
  quota                   INTEGER NOT NULL DEFAULT 0,
  quota_period            TEXT NOT NULL DEFAULT 'day',
  quota_action            TEXT NOT NULL DEFAULT 'tempfail',
  rate                    TEXT NOT NULL DEFAULT '',
  version                 INTEGER NOT NULL DEFAULT 1,
  created_at              INTEGER NOT NULL,
  updated_at              INTEGER NOT NULL,
  last_login_at           INTEGER NOT NULL DEFAULT 0,
  deleted_at              INTEGER NOT NULL DEFAULT 0
);
-- A username names one live user; deleted rows keep theirs for the logs.
CREATE UNIQUE INDEX smtp_users_live_username ON smtp_users (lower(username))
  WHERE status != 'deleted';
CREATE INDEX smtp_users_username ON smtp_users (lower(username), deleted_at);
CREATE INDEX smtp_users_account ON smtp_users (account_id);

CREATE TABLE user_domains (
  user_id INTEGER NOT NULL REFERENCES smtp_users(id) ON DELETE CASCADE,
  domain  TEXT NOT NULL,
  PRIMARY KEY (user_id, domain)
) WITHOUT ROWID;
CREATE INDEX user_domains_domain ON user_domains (domain);

CREATE TABLE auth_events (
  id        INTEGER PRIMARY KEY,
  time      INTEGER NOT NULL,
  session   TEXT NOT NULL DEFAULT '',
  ip        TEXT NOT NULL DEFAULT '',
  port      INTEGER NOT NULL DEFAULT 0,
  listener  TEXT NOT NULL DEFAULT '',
  tls       TEXT NOT NULL DEFAULT '',
  mechanism TEXT NOT NULL DEFAULT '',
  username  TEXT NOT NULL DEFAULT '',
  user_id   TEXT,
  account   TEXT,
  result    TEXT NOT NULL,
  reason    TEXT NOT NULL,
  hints     TEXT NOT NULL DEFAULT '[]',
  reply     TEXT NOT NULL DEFAULT '',
  enforced  INTEGER NOT NULL DEFAULT 1,
  detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX auth_events_time ON auth_events (time);
CREATE INDEX auth_events_username ON auth_events (lower(username), time);
CREATE INDEX auth_events_ip ON auth_events (ip, time);
)sql";

// Later migrations live beside the code that owns their tables (schema_*.cc).
const Migration kMigrations[] = {
    {1, "accounts, smtp_users, user_domains, auth_events", kInitialSchema},
    {2, "deliveries, message_events", kMessagesSchema},
    {3, "domains and DKIM selectors", kDomainsSchema},
    {4, "policy counters, suppressions, idempotency keys", kPolicySchema},
    {5, "api keys, webhooks, webhook deliveries", kControlSchema},
    {6, "shared rate counters, log indexes by account", kRatesSchema},
};

int current_version(Connection& conn) {
  auto stmt = conn.prepare("SELECT coalesce(max(version), 0) FROM schema_migrations");
  return stmt.step() ? static_cast<int>(stmt.int64(0)) : 0;
}

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

int migrate(Connection& conn, Millis now) {
  conn.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)");
  Transaction tx(conn);
  int version = current_version(conn);
  const int known = kMigrations[std::size(kMigrations) - 1].version;
  if (version > known)
    throw SqliteError("database schema version " + std::to_string(version) +
                          " is newer than this Postern (" + std::to_string(known) + "); upgrade",
                      0);
  for (const Migration& m : kMigrations) {
    if (m.version <= version) continue;
    conn.exec(m.sql);
    conn.prepare("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)")
        .bind(1, std::int64_t{m.version})
        .bind(2, m.description)
        .bind(3, now)
        .run();
    version = m.version;
  }
  tx.commit();
  return version;
}

}  // namespace postern::storage::sqlite
