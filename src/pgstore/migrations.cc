#include "pgstore/migrations.h"

#include <string>

namespace postern::pgstore {
namespace {

const Migration kMigrations[] = {
    {1, "accounts, users, auth log, messages, domains, policy, control plane, change triggers",
     kSchemaV1},
    {2, "shared rate counters, log indexes by account", kRatesSchema},
};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

int migrate(Connection& conn, Millis now) {
  Transaction tx(conn);
  // Held until COMMIT/ROLLBACK: a second node blocks here, then sees the table and rows.
  conn.exec("SELECT pg_advisory_xact_lock($1)", {kMigrationLock});
  conn.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL)");
  int version = static_cast<int>(
      conn.exec("SELECT coalesce(max(version), 0) FROM schema_migrations").int64(0, 0));
  const int known = kMigrations[std::size(kMigrations) - 1].version;
  if (version > known)
    throw PgError("database schema version " + std::to_string(version) +
                  " is newer than this Postern (" + std::to_string(known) + "); upgrade");
  for (const Migration& m : kMigrations) {
    if (m.version <= version) continue;
    conn.exec_script(m.sql);
    conn.exec("INSERT INTO schema_migrations (version, description, applied_at)"
              " VALUES ($1, $2, $3)",
              {m.version, m.description, now});
    version = m.version;
  }
  tx.commit();
  return version;
}

}  // namespace postern::pgstore
