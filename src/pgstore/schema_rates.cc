#include "pgstore/migrations.h"

namespace postern::pgstore {

// Migration 2, as SQLite's migration 6: shared rate counters (PolicyStore::try_add_rate) with
// the function that counts in one round trip, and the logs indexed by account. One row of
// rate_counters per key: the start of the current fixed bucket (a multiple of window_ms), its
// count and the previous bucket's.
//
// postern_try_add_rate(keys, maxes, windows, now) is policy::SlidingWindowCounters::try_add
// in PL/pgSQL (the same double-precision arithmetic as the C++), run as one statement, so one
// transaction: it creates the missing rows, locks every row of the call in key order (so
// concurrent calls from any node queue on the rows and never deadlock), rolls the buckets
// forward, checks each limit in the caller's order and, only if none would be passed, counts
// one event under every key. Returns the index (0-based) of the first limit that would be
// passed, or -1 when counted. Rolling forward is kept even when refused: it does not change
// any estimate. Locks are held for the function only, never across a network round trip.
const char* const kRatesSchema = R"sql(
CREATE TABLE rate_counters (
  key       TEXT COLLATE "C" PRIMARY KEY,
  window_ms BIGINT NOT NULL,
  start     BIGINT NOT NULL,
  current   BIGINT NOT NULL CHECK (current >= 0),
  previous  BIGINT NOT NULL CHECK (previous >= 0)
);

-- The logs by account (the API's account-scoped keys always filter by it).
CREATE INDEX auth_events_account ON auth_events (account, time);
CREATE INDEX message_events_account ON message_events (account, time);

CREATE FUNCTION postern_try_add_rate(keys TEXT[], maxes BIGINT[], windows BIGINT[],
                                     now_ms BIGINT) RETURNS INTEGER
LANGUAGE plpgsql AS $fn$
DECLARE
  nkeys   INTEGER := coalesce(array_length(keys, 1), 0);
  w       BIGINT;
  s       BIGINT;
  b       RECORD;
  elapsed DOUBLE PRECISION;
  weight  DOUBLE PRECISION;
BEGIN
  IF nkeys = 0 THEN
    RETURN -1;
  END IF;
  INSERT INTO rate_counters AS r (key, window_ms, start, current, previous)
    SELECT k, 1, 0, 0, 0 FROM (SELECT DISTINCT k FROM unnest(keys) AS u(k)) d
    ORDER BY k COLLATE "C"
    ON CONFLICT (key) DO NOTHING;
  PERFORM 1 FROM rate_counters WHERE key = ANY (keys) ORDER BY key FOR UPDATE;
  FOR i IN 1 .. nkeys LOOP
    w := greatest(windows[i], 1);
    s := now_ms - ((now_ms % w) + w) % w;
    -- A changed window starts afresh; a later bucket carries the current count forward
    -- when exactly one window passed, and empties both after a longer gap.
    UPDATE rate_counters SET
        window_ms = w,
        start = s,
        previous = CASE WHEN window_ms <> w THEN 0 WHEN s - start = w THEN current ELSE 0 END,
        current = 0
      WHERE key = keys[i] AND (window_ms <> w OR s > start);
    SELECT start, current, previous INTO STRICT b FROM rate_counters WHERE key = keys[i];
    elapsed := greatest(0.0::float8, (now_ms - b.start)::float8 / w::float8);
    weight := CASE WHEN elapsed >= 1.0::float8 THEN 0.0::float8 ELSE 1.0::float8 - elapsed END;
    IF b.previous::float8 * weight + b.current::float8 + 1.0::float8
         > maxes[i]::float8 + 1e-9::float8 THEN
      RETURN i - 1;
    END IF;
  END LOOP;
  UPDATE rate_counters r SET current = r.current + c.cnt
    FROM (SELECT k, count(*) AS cnt FROM unnest(keys) AS u(k) GROUP BY k) c
    WHERE r.key = c.k;
  RETURN -1;
END
$fn$;
)sql";

}  // namespace postern::pgstore
