#include "storage/sqlite/migrations.h"

namespace postern::storage::sqlite {

// Migration 4: account rate limits, quota usage counters, suppression lists, idempotency keys.
// Rows die with their user or account (ON DELETE CASCADE; users are soft-deleted, so their
// counters survive for `user show`).
const char* const kPolicySchema = R"sql(
ALTER TABLE accounts ADD COLUMN rate TEXT NOT NULL DEFAULT '';

-- One row per user: the usage of the current quota period (period_start 0 = "total").
CREATE TABLE quota_usage (
  user_id      INTEGER PRIMARY KEY REFERENCES smtp_users(id) ON DELETE CASCADE,
  period_start INTEGER NOT NULL,
  used         INTEGER NOT NULL CHECK (used >= 0)
);

CREATE TABLE suppressions (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  address    TEXT NOT NULL,
  reason     TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, address)
) WITHOUT ROWID;

-- queue_id NULL: reserved by a submission still in flight.
CREATE TABLE idempotency_keys (
  user_id    INTEGER NOT NULL REFERENCES smtp_users(id) ON DELETE CASCADE,
  key        TEXT NOT NULL,
  body_hash  TEXT NOT NULL,
  queue_id   TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
)sql";

}  // namespace postern::storage::sqlite
