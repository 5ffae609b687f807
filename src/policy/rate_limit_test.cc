// RateLimit counted in this process or in the store (shared): the two agree, the shared one
// holds across stores on one database, and a store failure becomes 451 4.3.0.
#include "policy/rate_limit.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "policy/chain_engine.h"
#include "storage/store.h"
#include "storage/testing/temp_dir.h"

namespace postern::policy {
namespace {

using storage::SmtpUser;

class FakeClock final : public Clock {
 public:
  Millis now_ms() const override { return t.load(); }
  std::atomic<Millis> t{1'800'000'000'000};
};

std::unique_ptr<storage::Store> open_ok(const std::string& path) {
  auto s = storage::open_store("sqlite:" + path);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? std::move(s).value() : nullptr;
}

class RateLimitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_ok(path_);
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->create_account("acme").ok());
    SmtpUser u;
    u.account_name = "acme";
    u.username = "app";
    u.password_hash = "$argon2id$placeholder";
    u.rate = "5/m";
    auto created = store_->create_user(u);
    ASSERT_TRUE(created.ok());
    user_ = created.value();
  }
  // How many MAIL FROMs `limit` accepts in a row at the current time.
  int accepted(RateLimit& limit, int tries = 20) {
    int n = 0;
    for (int i = 0; i < tries; ++i) n += limit.check(Submission{user_, ip_}, "a@acme.example").accepted;
    return n;
  }

  storage::testing::TempDir dir_;
  const std::string path_ = dir_.file("postern.db");
  std::unique_ptr<storage::Store> store_;
  SmtpUser user_;
  FakeClock clock_;
  const std::string ip_ = "192.0.2.1";
};

TEST_F(RateLimitTest, StoreCountersAgreeWithInMemoryOnesStepByStep) {
  // Random instants and limits over several windows: try_add_rate must decide exactly as
  // SlidingWindowCounters::try_add.
  SlidingWindowCounters memory;
  std::mt19937 rng(8);
  const std::vector<storage::RateLimitKey> keys{
      {"user:a", 5, 1000}, {"account:1", 8, 3000}, {"user:b", 2, 250}};
  Millis now = 1'800'000'000'123;
  int refusals = 0;
  for (int step = 0; step < 600; ++step) {
    now += std::uniform_int_distribution<Millis>(0, 400)(rng);
    std::vector<storage::RateLimitKey> limits;
    std::vector<SlidingWindowCounters::Limit> local;
    for (const auto& k : keys)
      if (rng() % 2) {
        limits.push_back(k);
        local.push_back({k.key, k.max, k.window});
      }
    auto stored = store_->try_add_rate(limits, now);
    ASSERT_TRUE(stored.ok()) << stored.error().message;
    const auto expected = memory.try_add(local, now);
    ASSERT_EQ(*stored, expected) << "step " << step << " at " << now;
    refusals += expected.has_value();
  }
  EXPECT_GT(refusals, 50);  // the limits were really exercised
}

TEST_F(RateLimitTest, SharedCountersHoldAcrossStoresInMemoryOnesDoNot) {
  auto other = open_ok(path_);  // a second process on the same database, say
  ASSERT_NE(other, nullptr);
  {
    RateLimit a(*store_, clock_, /*shared=*/false), b(*other, clock_, false);
    EXPECT_EQ(accepted(a), 5);
    EXPECT_EQ(accepted(b), 5);  // each counts on its own
  }
  clock_.t += 10 * 60 * 1000;
  RateLimit a(*store_, clock_, /*shared=*/true), b(*other, clock_, true);
  std::atomic<int> n{0};
  std::vector<std::thread> threads;
  for (RateLimit* limit : {&a, &b, &a, &b})
    threads.emplace_back([&, limit] { n += accepted(*limit, 5); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(n.load(), 5);
  // The account's rate joins in: 2/m for every user of the account, across both.
  clock_.t += 10 * 60 * 1000;
  ASSERT_TRUE(store_->set_account_rate("acme", "2/m").ok());
  EXPECT_EQ(accepted(a, 1) + accepted(b, 3), 2);
  Decision d = b.check(Submission{user_, ip_}, "a@acme.example");
  EXPECT_EQ(d.reason, "rate_limit");
  EXPECT_EQ(d.detail, "account rate 2/m (acme) exceeded");
}

TEST_F(RateLimitTest, ASharedCounterStoreFailureAnswers451NotARefusal) {
  ChainEngine::Chains chains;
  chains.mail_from.push_back(std::make_unique<RateLimit>(*store_, clock_, true));
  ChainEngine engine(std::move(chains), *store_, clock_);
  EXPECT_TRUE(engine.at_mail_from(Submission{user_, ip_}, "a@acme.example").accepted);
  sqlite3* db = nullptr;  // the table goes away behind the store's back
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP TABLE rate_counters", nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
  Decision d = engine.at_mail_from(Submission{user_, ip_}, "a@acme.example");
  EXPECT_FALSE(d.accepted);
  EXPECT_EQ(d.reason, "internal_error");
  EXPECT_EQ(d.reply.first_line().substr(0, 9), "451 4.3.0");
}

TEST(StoreIsShared, OnlyPostgresUrls) {
  EXPECT_TRUE(store_is_shared("postgresql://u@db/postern"));
  EXPECT_TRUE(store_is_shared("postgres://db/postern"));
  EXPECT_FALSE(store_is_shared("sqlite:/var/lib/postern/postern.db"));
  EXPECT_FALSE(store_is_shared(""));
}

}  // namespace
}  // namespace postern::policy
