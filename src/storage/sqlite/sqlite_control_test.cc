// SQLite specifics of the control-plane tables: migration 5 upgrades a database written by a
// Postern at schema 4, keeping its data; the partial unique index on live key names.
#include <gtest/gtest.h>

#include "storage/sqlite/connection.h"
#include "storage/sqlite/migrations.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/testing/temp_dir.h"

namespace postern::storage::sqlite {
namespace {

using storage::testing::TempDir;

// Writes the schema as a Postern that knew migrations 1..`upto` would have left it.
void migrate_to(const std::string& path, int upto) {
  Connection conn(path);
  conn.exec(
      "CREATE TABLE schema_migrations ("
      " version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)");
  for (const Migration& m : migrations()) {
    if (m.version > upto) break;
    conn.exec(m.sql);
    conn.prepare("INSERT INTO schema_migrations VALUES (?, ?, 0)")
        .bind(1, std::int64_t{m.version})
        .bind(2, m.description)
        .run();
  }
}

TEST(SqliteControl, ADatabaseAtSchema4UpgradesTo5KeepingItsData) {
  TempDir dir;
  const std::string path = dir.file("postern.db");
  migrate_to(path, 4);
  {
    Connection conn(path);
    conn.exec("INSERT INTO accounts (name, created_at) VALUES ('acme', 1)");
    conn.exec(
        "INSERT INTO message_events (time, account, status) VALUES (7200000, 'acme', 'accepted')");
    auto stmt = conn.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'api_keys'");
    ASSERT_TRUE(stmt.step());
    ASSERT_EQ(stmt.int64(0), 0);
  }
  auto opened = SqliteStore::open(path);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  auto& store = *opened.value();
  EXPECT_GE(store.schema_version(), 5);
  ASSERT_TRUE(store.find_account("acme").has_value());

  ApiKey key;
  key.name = "crm";
  key.account = "acme";
  key.key_hash = std::string(64, 'f');
  key.prefix = "pk_fffffffff";
  auto created = store.create_api_key(key);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->account, "acme");
  Webhook hook;
  hook.url = "https://example.com/";
  hook.secret = "s";
  EXPECT_TRUE(store.create_webhook(hook).ok());
  auto stats = store.hourly_stats(0, std::string("acme"));
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].hour, 7200000);
  EXPECT_EQ(stats[0].accepted, 1);
}

TEST(SqliteControl, LiveKeyNamesAreUniqueInTheSchemaItself) {
  TempDir dir;
  const std::string path = dir.file("postern.db");
  ASSERT_TRUE(SqliteStore::open(path).ok());
  Connection conn(path);
  conn.exec(
      "INSERT INTO api_keys (name, key_hash, prefix, created_at, revoked_at)"
      " VALUES ('ops', 'h1', 'p', 1, 5)");
  conn.exec(
      "INSERT INTO api_keys (name, key_hash, prefix, created_at) VALUES ('ops', 'h2', 'p', 1)");
  try {
    conn.exec(
        "INSERT INTO api_keys (name, key_hash, prefix, created_at) VALUES ('ops', 'h3', 'p', 1)");
    ADD_FAILURE() << "a second live key named ops was accepted";
  } catch (const SqliteError& e) {
    EXPECT_TRUE(e.unique_violation()) << e.what();
  }
}

}  // namespace
}  // namespace postern::storage::sqlite
