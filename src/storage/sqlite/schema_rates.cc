#include "storage/sqlite/migrations.h"

namespace postern::storage::sqlite {

// Migration 6: shared rate counters (PolicyStore::try_add_rate), and the logs indexed by
// account. One row per key ("user:<uuid>",
// "account:<id>"): the start of the current fixed bucket (a multiple of window_ms), its count
// and the previous bucket's. Rows are bounded by the users and accounts that have a rate; a
// row of a deleted user is a few bytes and restarts if the key ever comes back.
const char* const kRatesSchema = R"sql(
CREATE TABLE rate_counters (
  key       TEXT PRIMARY KEY,
  window_ms INTEGER NOT NULL,
  start     INTEGER NOT NULL,
  current   INTEGER NOT NULL CHECK (current >= 0),
  previous  INTEGER NOT NULL CHECK (previous >= 0)
) WITHOUT ROWID;

-- The logs by account (the API's account-scoped keys always filter by it).
CREATE INDEX auth_events_account ON auth_events (account, time);
CREATE INDEX message_events_account ON message_events (account, time);
)sql";

}  // namespace postern::storage::sqlite
