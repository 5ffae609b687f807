// PgStore specifics beyond the Store contract: opening, migrations, the pool, failures.
#include "pgstore/pg_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "pgstore/migrations.h"
#include "pgstore/pg_test_util.h"

namespace postern::pgstore::testing {
namespace {

TEST(PgStore, MigrationsAreIdempotentWhenStoresOpenConcurrently) {
  const std::string url = cluster().create_database();
  constexpr int kStores = 6;
  std::vector<std::unique_ptr<PgStore>> stores(kStores);
  std::vector<std::string> errors(kStores);
  std::vector<std::thread> threads;
  for (int i = 0; i < kStores; ++i)
    threads.emplace_back([&, i] {
      auto s = PgStore::open(url);
      if (s.ok())
        stores[i] = std::move(s).value();
      else
        errors[i] = s.error().message;
    });
  for (auto& t : threads) t.join();
  for (int i = 0; i < kStores; ++i) {
    ASSERT_NE(stores[i], nullptr) << errors[i];
    EXPECT_EQ(stores[i]->schema_version(), static_cast<int>(migrations().size()));
  }
  EXPECT_EQ(cluster().query_value(database_of(url), "SELECT count(*) FROM schema_migrations"),
            std::to_string(migrations().size()));
  // Every store works on the one schema; reopening changes nothing.
  ASSERT_TRUE(stores[0]->create_account("acme").ok());
  ASSERT_TRUE(stores[1]->create_user(user_named("app")).ok());
  stores.clear();
  auto again = open_store(url);
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(again->find_user("app").has_value());
  EXPECT_EQ(cluster().query_value(database_of(url), "SELECT count(*) FROM schema_migrations"),
            std::to_string(migrations().size()));
}

TEST(PgStore, RefusesANewerSchema) {
  const std::string url = cluster().create_database();
  ASSERT_NE(open_store(url), nullptr);
  cluster().exec(database_of(url), "INSERT INTO schema_migrations VALUES (99, 'future', 0)");
  auto store = PgStore::open(url);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("newer"), std::string::npos) << store.error().message;
}

TEST(PgStore, OpenFailureNamesTheServerButNeverThePassword) {
  // Port 1 on loopback: refused at once.
  auto store = open("postgresql://postern:pw-s3cret-1@127.0.0.1:1/relay?connect_timeout=2");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().message.find("pw-s3cret-1"), std::string::npos) << store.error().message;
  EXPECT_NE(store.error().message.find("127.0.0.1"), std::string::npos) << store.error().message;
  auto bad = open("postgresql://postern:pw-s3cret-1@[::1/relay");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.find("pw-s3cret-1"), std::string::npos);
}

TEST(PgStore, PoolCheckoutTimesOutWithStoreErrorOrError) {
  Options options;
  options.pool.size = 1;
  options.pool.checkout_timeout = std::chrono::milliseconds(100);
  auto store = open_store(cluster().create_database(), options);
  ASSERT_NE(store, nullptr);
  auto held = store->pool().acquire();  // the only connection
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(store->find_account("acme"), storage::StoreError);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
  auto created = store->create_account("acme");  // a Result method says it as an Error
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.error().message.find("no database connection"), std::string::npos);
}

TEST(PgStore, PoolIsBoundedUnderLoadFromManyThreads) {
  Options options;
  options.pool.size = 3;
  auto store = open_store(cluster().create_database(), options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->create_account("acme").ok());
  std::vector<std::thread> threads;
  std::atomic<int> found{0};
  for (int t = 0; t < 12; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i)
        if (store->find_account("acme")) ++found;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(found.load(), 240);
  EXPECT_LE(store->pool().open_connections(), 3u);
}

TEST(PgStore, ConnectionsClosedByTheServerAreReplaced) {
  const std::string url = cluster().create_database();
  auto store = open_store(url);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->create_account("acme").ok());
  ASSERT_GE(store->pool().idle_connections(), 1u);
  // Terminate every pooled session (as a server restart or an idle timeout would) and wait
  // until they are gone.
  const std::string db = database_of(url);
  cluster().exec(db,
                 "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                 " WHERE datname = current_database() AND application_name = 'postern'");
  ASSERT_TRUE(eventually([&] {
    return cluster().query_value(db,
                                 "SELECT count(*) FROM pg_stat_activity WHERE datname ="
                                 " current_database() AND application_name = 'postern'") == "0";
  }));
  EXPECT_TRUE(store->find_account("acme").has_value());  // a read
  EXPECT_TRUE(store->create_account("beta").ok());        // a write
}

TEST(PgStore, OddBytesFromTheNetworkAreStoredNotRefused) {
  auto store = open_store(cluster().create_database());
  ASSERT_NE(store, nullptr);
  storage::AuthEvent e;
  e.time = 1;
  e.username = std::string("bad\xFF\0name", 9);
  e.result = "fail";
  e.reason = "unknown_user";
  std::vector<storage::AuthEvent> batch{e};
  ASSERT_TRUE(store->append_auth_events(batch).ok());
  auto events = store->query_auth_events({});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].username, "bad\xEF\xBF\xBD\xEF\xBF\xBDname");
  EXPECT_FALSE(store->find_user("\xFF\xFE").has_value());  // a lookup, not a StoreError
}

TEST(PgStore, UnreadableAllowListFailsClosed) {
  const std::string url = cluster().create_database();
  auto store = open_store(url);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->create_account("acme").ok());
  ASSERT_TRUE(store->create_user(user_named("app")).ok());
  cluster().exec(database_of(url), "UPDATE smtp_users SET allow_ips = 'not json'");
  auto u = store->find_user("app");
  ASSERT_TRUE(u.has_value());
  EXPECT_FALSE(u->allow_ips.empty());  // never "empty = any source"
}

TEST(PgStore, OrderIsBytewiseWhateverTheDatabaseLocale) {
  const std::string url =
      cluster().create_database("TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'");
  // The database's own order is not byte order ('_' < '-' in ICU)...
  ASSERT_EQ(cluster().query_value(database_of(url),
                                  "SELECT string_agg(n, ' ' ORDER BY n) FROM"
                                  " (VALUES ('a-c'), ('a_z')) AS v(n)"),
            "a_z a-c");
  // ...but the store's is, as in SQLite.
  auto store = open_store(url);
  ASSERT_NE(store, nullptr);
  for (const char* name : {"b-x", "a_z", "a.b", "ab", "a-c"}) ASSERT_TRUE(store->create_account(name).ok());
  std::vector<std::string> names;
  for (const auto& a : store->list_accounts()) names.push_back(a.name);
  EXPECT_EQ(names, (std::vector<std::string>{"a-c", "a.b", "a_z", "ab", "b-x"}));  // as SQLite
}

}  // namespace
}  // namespace postern::pgstore::testing
