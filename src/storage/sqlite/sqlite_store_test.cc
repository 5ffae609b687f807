#include "storage/sqlite/migrations.h"
#include "storage/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <thread>

#include "storage/store_contract_test.h"
#include "storage/testing/temp_dir.h"

namespace postern::storage::sqlite {
namespace {

using storage::testing::StoreContract;
using storage::testing::StoreFactory;
using storage::testing::TempDir;

INSTANTIATE_TEST_SUITE_P(
    Sqlite, StoreContract,
    ::testing::Values(StoreFactory{"sqlite",
                                   [](const std::string& scratch) -> std::unique_ptr<Store> {
                                     auto s = SqliteStore::open(scratch + "/postern.db");
                                     return s.ok() ? std::move(s).value() : nullptr;
                                   }}),
    storage::testing::factory_name);

std::unique_ptr<SqliteStore> open_ok(const std::string& path) {
  auto s = SqliteStore::open(path);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? std::move(s).value() : nullptr;
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

// Runs one SQL statement on the file with a separate raw connection.
void raw_exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
}

SmtpUser user(const std::string& name) {
  SmtpUser u;
  u.account_name = "acme";
  u.username = name;
  u.password_hash = "$argon2id$x";
  return u;
}

TEST(SqliteStore, CreatesParentDirectoryAndFile0600WhateverTheUmask) {
  TempDir dir;
  const std::string path = dir.file("a/b/postern.db");
  mode_t old = ::umask(0);
  auto store = open_ok(path);
  ::umask(old);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(mode_of(path), 0600u);
  ASSERT_TRUE(store->create_account("acme").ok());
  EXPECT_EQ(mode_of(path + "-wal"), 0600u);  // SQLite copies the database file's mode
}

TEST(SqliteStore, MigrationsAreIdempotentOnReopen) {
  TempDir dir;
  const std::string path = dir.file("postern.db");
  {
    auto store = open_ok(path);
    EXPECT_EQ(store->schema_version(), static_cast<int>(migrations().size()));
    ASSERT_TRUE(store->create_account("acme").ok());
    ASSERT_TRUE(store->create_user(user("app")).ok());
  }
  for (int i = 0; i < 2; ++i) {
    auto store = open_ok(path);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->schema_version(), static_cast<int>(migrations().size()));
    EXPECT_TRUE(store->find_user("app").has_value());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM schema_migrations", -1, &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), static_cast<int>(migrations().size()));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST(SqliteStore, RefusesANewerSchema) {
  TempDir dir;
  const std::string path = dir.file("postern.db");
  open_ok(path);
  raw_exec(path, "INSERT INTO schema_migrations VALUES (99, 'future', 0)");
  auto store = SqliteStore::open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("newer"), std::string::npos);
}

TEST(SqliteStore, UsesWalJournal) {
  TempDir dir;
  const std::string path = dir.file("postern.db");
  auto store = open_ok(path);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST(SqliteStore, ChangeMarkerSeesCommitsOfAnotherInstance) {
  TempDir dir;
  const std::string path = dir.file("postern.db");
  auto server = open_ok(path);
  auto cli = open_ok(path);
  const auto before = server->change_marker();
  ASSERT_TRUE(cli->create_account("acme").ok());
  const auto after = server->change_marker();
  EXPECT_NE(after, before);
  EXPECT_EQ(server->change_marker(), after);  // stable until the next commit
  auto u = cli->create_user(user("app"));
  ASSERT_TRUE(u.ok());
  EXPECT_NE(server->change_marker(), after);
  EXPECT_TRUE(server->find_user("app").has_value());  // and the data itself is visible
}

TEST(SqliteStore, UnreadableAllowListFailsClosed) {
  TempDir dir;
  const std::string path = dir.file("postern.db");
  auto store = open_ok(path);
  ASSERT_TRUE(store->create_account("acme").ok());
  ASSERT_TRUE(store->create_user(user("app")).ok());
  raw_exec(path, "UPDATE smtp_users SET allow_ips = 'not json'");
  auto u = store->find_user("app");
  ASSERT_TRUE(u.has_value());
  EXPECT_FALSE(u->allow_ips.empty());  // never "empty = any source"
}

TEST(SqliteStore, ConcurrentUseFromThreads) {
  TempDir dir;
  auto store = open_ok(dir.file("postern.db"));
  ASSERT_TRUE(store->create_account("acme").ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        AuthEvent e;
        e.time = i;
        e.username = "u" + std::to_string(t);
        e.result = "fail";
        e.reason = "bad_password";
        EXPECT_TRUE(store->append_auth_events(std::span(&e, 1)).ok());
        store->find_user("nobody");
      }
    });
  }
  for (auto& th : threads) th.join();
  AuthEventFilter f;
  f.limit = 1000;
  EXPECT_EQ(store->query_auth_events(f).size(), 100u);
}

TEST(OpenStore, OpensSqliteUrls) {
  TempDir dir;
  auto store = open_store("sqlite:" + dir.file("var/postern.db"));
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_TRUE((*store)->create_account("acme").ok());
}

TEST(OpenStore, RefusesOtherSchemesWithoutEchoingCredentials) {
  auto pg = open_store("postgresql://postern:s3cret@127.0.0.1:5432/postern");
  ASSERT_FALSE(pg.ok());
  EXPECT_NE(pg.error().message.find("\"postgresql\""), std::string::npos);
  EXPECT_EQ(pg.error().message.find("s3cret"), std::string::npos);
  auto bare = open_store("postern:s3cret@db");
  ASSERT_FALSE(bare.ok());
  EXPECT_EQ(bare.error().message.find("s3cret"), std::string::npos);
  EXPECT_EQ(bare.error().message.find("postern"), std::string::npos);
  EXPECT_FALSE(open_store("").ok());
  EXPECT_FALSE(open_store("sqlite:").ok());
}

}  // namespace
}  // namespace postern::storage::sqlite
