#include "storage/sqlite/migrations.h"

namespace postern::storage::sqlite {

// Migration 2: per-recipient delivery state and the message log.
const char* const kMessagesSchema = R"sql(
CREATE TABLE deliveries (
  queue_id        TEXT NOT NULL,
  recipient       TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'queued',
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  queued_at       INTEGER NOT NULL,
  last_reply      TEXT NOT NULL DEFAULT '',
  mx              TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (queue_id, recipient)
) WITHOUT ROWID;
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);

CREATE TABLE message_events (
  id           INTEGER PRIMARY KEY,
  time         INTEGER NOT NULL,
  queue_id     TEXT NOT NULL DEFAULT '',
  user         TEXT NOT NULL DEFAULT '',
  account      TEXT NOT NULL DEFAULT '',
  ip           TEXT NOT NULL DEFAULT '',
  mail_from    TEXT NOT NULL DEFAULT '',
  header_from  TEXT NOT NULL DEFAULT '',
  rcpt         TEXT NOT NULL DEFAULT '',
  size         INTEGER NOT NULL DEFAULT 0,
  status       TEXT NOT NULL,
  reason       TEXT NOT NULL DEFAULT '',
  mx           TEXT NOT NULL DEFAULT '',
  remote_reply TEXT NOT NULL DEFAULT '',
  attempt      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX message_events_time ON message_events (time);
CREATE INDEX message_events_queue_id ON message_events (queue_id, time);
CREATE INDEX message_events_user ON message_events (user, time);
)sql";

}  // namespace postern::storage::sqlite
