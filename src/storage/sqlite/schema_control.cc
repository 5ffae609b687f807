#include "storage/sqlite/migrations.h"

namespace postern::storage::sqlite {

// Migration 5: the control plane (issue 5): API keys (hash only), webhooks and their delivery
// queue. account_id NULL = admin (a key or hook over every account). Revoked keys stay (their
// name can be reused: the name is unique among live keys only). Rows die with their account;
// deliveries with their webhook (ON DELETE CASCADE).
const char* const kControlSchema = R"sql(
CREATE TABLE api_keys (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL,
  account_id   INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
  key_hash     TEXT NOT NULL UNIQUE,
  prefix       TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL DEFAULT 0,
  revoked_at   INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX api_keys_live_name ON api_keys (name) WHERE revoked_at = 0;
CREATE INDEX api_keys_account ON api_keys (account_id);

-- events: a JSON array of event types.
CREATE TABLE webhooks (
  id         INTEGER PRIMARY KEY,
  account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
  url        TEXT NOT NULL,
  events     TEXT NOT NULL DEFAULT '[]',
  secret     TEXT NOT NULL,
  active     INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL
);
CREATE INDEX webhooks_account ON webhooks (account_id);

CREATE TABLE webhook_deliveries (
  id              INTEGER PRIMARY KEY,
  webhook_id      INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  event           TEXT NOT NULL,
  body            TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending',
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, status, id);
)sql";

}  // namespace postern::storage::sqlite
