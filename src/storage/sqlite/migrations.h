// Versioned schema migrations of the SQLite store. Each migration runs once, in order, in the
// same IMMEDIATE transaction as its row in schema_migrations, so a crash or a second process
// opening the file at the same time never applies one twice. Append new migrations; never
// edit one that has shipped.
#pragma once
#include <span>

#include "storage/sqlite/connection.h"

namespace postern::storage::sqlite {

struct Migration {
  int version;
  const char* description;
  const char* sql;
};

// The SQL of migrations 2.., each defined in the schema_*.cc of the code that owns the tables.
extern const char* const kMessagesSchema;  // schema_messages.cc
extern const char* const kDomainsSchema;   // schema_domains.cc
extern const char* const kPolicySchema;    // schema_policy.cc
extern const char* const kControlSchema;   // schema_control.cc
extern const char* const kRatesSchema;     // schema_rates.cc

std::span<const Migration> migrations();
// Applies the pending migrations; returns the schema version now in force. Throws SqliteError.
// A database newer than this binary (unknown versions) is refused (SqliteError).
int migrate(Connection& conn, Millis now);

}  // namespace postern::storage::sqlite
