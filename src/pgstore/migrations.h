// Versioned schema migrations of the PostgreSQL store. open() runs the pending ones in one
// transaction that first takes a transaction-scoped advisory lock, so nodes starting together
// queue up behind each other instead of racing (the second finds the work done). Each
// migration is recorded in schema_migrations. Append new migrations; never edit one that has
// shipped.
#pragma once
#include <span>

#include "base/time.h"
#include "pgstore/connection.h"

namespace postern::pgstore {

struct Migration {
  int version;
  const char* description;
  const char* sql;
};

// Migration 1: the whole schema as of issue 8 (schema.cc).
extern const char* const kSchemaV1;
// Migration 2: shared rate counters and postern_try_add_rate (schema_rates.cc).
extern const char* const kRatesSchema;

// The advisory lock key that serialises migrations (per database).
inline constexpr std::int64_t kMigrationLock = 0x706f737465726e;  // "postern"

std::span<const Migration> migrations();
// Applies the pending migrations; returns the schema version now in force. Throws PgError,
// also when the database is newer than this binary (unknown versions).
int migrate(Connection& conn, Millis now);

}  // namespace postern::pgstore
