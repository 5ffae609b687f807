// Several nodes on one database: change propagation (LISTEN/NOTIFY) and shared counters.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <poll.h>

#include <atomic>
#include <thread>
#include <vector>

#include "pgstore/pg_test_util.h"

namespace postern::pgstore::testing {
namespace {

using storage::UserStatus;

class TwoNodes : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = cluster().create_database();
    a_ = open_store(url_);
    b_ = open_store(url_);
    ASSERT_NE(a_, nullptr);
    ASSERT_NE(b_, nullptr);
  }
  // Waits (up to a second) until b's marker differs from `before`; returns the new value.
  std::int64_t b_moves_from(std::int64_t before) {
    std::int64_t now = before;
    EXPECT_TRUE(eventually([&] { return (now = b_->change_marker()) != before; }))
        << "node B did not hear of the change within one second";
    return now;
  }

  std::string url_;
  std::unique_ptr<PgStore> a_, b_;
};

TEST_F(TwoNodes, AUserChangeOnOneNodeReachesTheOtherWithinOneSecond) {
  std::int64_t m = b_->change_marker();
  ASSERT_TRUE(a_->create_account("acme").ok());
  m = b_moves_from(m);
  auto u = a_->create_user(user_named("app"));
  ASSERT_TRUE(u.ok());
  m = b_moves_from(m);
  ASSERT_TRUE(b_->find_user("app").has_value());

  u->status = UserStatus::Deleted;  // deleted through node A...
  ASSERT_TRUE(a_->update_user(*u).ok());
  m = b_moves_from(m);  // ...node B knows within the second, and reads it deleted
  EXPECT_EQ(b_->find_user("app")->status, UserStatus::Deleted);

  ASSERT_TRUE(a_->set_account_status("acme", storage::AccountStatus::Suspended, "").ok());
  m = b_moves_from(m);
  ASSERT_TRUE(a_->set_account_rate("acme", "10/m").ok());
  b_moves_from(m);
}

TEST_F(TwoNodes, ApiKeyAndWebhookChangesPropagateToo) {
  std::int64_t m = b_->change_marker();
  storage::ApiKey key;
  key.name = "ops";
  key.key_hash = std::string(64, 'a');
  key.prefix = "pk_aaaaaaaaa";
  ASSERT_TRUE(a_->create_api_key(key).ok());
  m = b_moves_from(m);
  ASSERT_TRUE(a_->revoke_api_key("ops").ok());
  m = b_moves_from(m);
  storage::Webhook hook;
  hook.url = "https://example.com/h";
  hook.secret = "whsec";
  auto created = a_->create_webhook(hook);
  ASSERT_TRUE(created.ok());
  m = b_moves_from(m);
  ASSERT_TRUE(a_->remove_webhook(created->id).ok());
  b_moves_from(m);
}

// A plain LISTEN session beside the stores: drain() returns the payloads of exactly the
// notifications committed since the last drain. Notifications arrive in commit order, so a
// fence notified last marks the end.
class RawListener {
 public:
  explicit RawListener(const std::string& url)
      : info_(ConnInfo::parse(url).value()),
        listener_(info_, "test-listener"),
        notifier_(info_, "test-notifier") {
    listener_.exec("LISTEN postern_changes");
  }
  std::vector<std::string> drain() {
    notifier_.exec("SELECT pg_notify('postern_changes', 'fence')");
    std::vector<std::string> out;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{PQsocket(listener_.raw()), POLLIN, 0};
      ::poll(&p, 1, 50);
      if (PQconsumeInput(listener_.raw()) == 0) break;
      while (PGnotify* n = PQnotifies(listener_.raw())) {
        std::string payload = n->extra;
        PQfreemem(n);
        if (payload == "fence") return out;
        out.push_back(payload);
      }
    }
    ADD_FAILURE() << "the fence notification did not arrive";
    return out;
  }

 private:
  ConnInfo info_;
  Connection listener_, notifier_;
};

TEST_F(TwoNodes, LogTrafficLoginsAndCountersDoNotNotify) {
  RawListener raw(url_);
  ASSERT_TRUE(a_->create_account("acme").ok());
  auto u = a_->create_user(user_named("app"));
  ASSERT_TRUE(u.ok());
  storage::ApiKey key;
  key.name = "ops";
  key.key_hash = std::string(64, 'b');
  auto k = a_->create_api_key(key);
  ASSERT_TRUE(k.ok());
  // One notification per transaction, carrying the writer's origin.
  EXPECT_EQ(raw.drain(), (std::vector<std::string>{a_->origin(), a_->origin(), a_->origin()}));

  storage::AuthEvent e;
  e.time = 1;
  e.username = "app";
  e.result = "ok";
  e.reason = "ok";
  std::vector<storage::AuthEvent> batch{e};
  ASSERT_TRUE(a_->append_auth_events(batch).ok());
  b_->record_login(u->id, 12345);
  b_->touch_api_key(k->id, 99);
  ASSERT_TRUE(a_->charge_quota(u->id, 0, 1, 0).ok());
  ASSERT_TRUE(b_->add_suppression("acme", "x@example.com", "manual").ok());
  storage::MessageEvent m;
  m.time = 1;
  m.status = "accepted";
  std::vector<storage::MessageEvent> messages{m};
  ASSERT_TRUE(a_->append_message_events(messages).ok());
  EXPECT_EQ(raw.drain(), std::vector<std::string>{});

  u->domains = {"example.com", "example.org"};  // smtp_users + user_domains: still one
  ASSERT_TRUE(b_->update_user(*u).ok());
  EXPECT_EQ(raw.drain(), std::vector<std::string>{b_->origin()});
}

TEST_F(TwoNodes, OwnChangesMoveTheMarkerOnceAtOnceNotAgainWhenHeard) {
  const std::int64_t m0 = a_->change_marker();
  ASSERT_TRUE(a_->create_account("acme").ok());
  ASSERT_TRUE(a_->set_account_rate("acme", "5/s").ok());
  ASSERT_TRUE(a_->create_user(user_named("app")).ok());
  EXPECT_EQ(a_->change_marker(), m0 + 3);  // at once, without waiting for the notifications
  ASSERT_TRUE(b_->create_account("beta").ok());  // heard: one more
  EXPECT_TRUE(eventually([&] {
    return a_->listener().own_notifications() == 3 && a_->change_marker() == m0 + 4;
  })) << a_->change_marker() - m0 << " " << a_->listener().own_notifications();
}

TEST_F(TwoNodes, AChangeMadeWithoutPosternCountsEverywhere) {
  std::int64_t mb = b_->change_marker();
  ASSERT_TRUE(a_->create_account("acme").ok());
  mb = b_moves_from(mb);
  const std::int64_t ma = a_->change_marker();
  cluster().exec(database_of(url_), "UPDATE accounts SET suspend_reason = 'by hand'");
  EXPECT_TRUE(eventually([&] { return a_->change_marker() != ma; }));
  b_moves_from(mb);
}

TEST_F(TwoNodes, TheListenerReconnectsAndSaysChangesMayHaveBeenMissed) {
  b_.reset();  // one listener in this database: a's
  const std::string db = database_of(url_);
  auto listeners = [&] {
    return cluster().query_value(db,
                                 "SELECT count(*) FROM pg_stat_activity WHERE datname ="
                                 " current_database() AND application_name = 'postern-listener'");
  };
  ASSERT_EQ(listeners(), "1");
  const std::int64_t before = a_->change_marker();
  cluster().exec(db,
                 "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname ="
                 " current_database() AND application_name = 'postern-listener'");
  // The drop itself moves the marker (changes in the gap are unseen), then it reconnects.
  EXPECT_TRUE(eventually([&] { return a_->change_marker() != before; }, std::chrono::seconds(3)));
  ASSERT_TRUE(eventually([&] { return a_->listener().connects() == 2; }, std::chrono::seconds(5)));
  EXPECT_EQ(listeners(), "1");
  // And it hears changes again.
  const std::int64_t after = a_->change_marker();
  auto other = open_store(url_);
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(other->create_account("acme").ok());
  EXPECT_TRUE(eventually([&] { return a_->change_marker() != after; }));
}

TEST_F(TwoNodes, QuotaChargesFromTwoNodesAndTwentyThreadsNeverPassTheLimit) {
  ASSERT_TRUE(a_->create_account("acme").ok());
  auto u = a_->create_user(user_named("app"));
  ASSERT_TRUE(u.ok());
  constexpr std::int64_t kLimit = 137;
  std::atomic<int> charged{0}, refused{0}, failed{0};
  std::vector<std::thread> threads;
  for (PgStore* node : {a_.get(), b_.get()})
    for (int t = 0; t < 10; ++t)
      threads.emplace_back([&, node] {
        for (int i = 0; i < 10; ++i) {
          auto c = node->charge_quota(u->id, 1000, 1, kLimit);
          if (!c.ok())
            ++failed;
          else if (c->charged)
            ++charged;
          else
            ++refused;
        }
      });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(charged.load(), kLimit);
  EXPECT_EQ(refused.load(), 200 - kLimit);
  EXPECT_EQ(a_->quota_usage(u->id, 1000).used, kLimit);
  EXPECT_EQ(b_->quota_usage(u->id, 1000).used, kLimit);
}

TEST_F(TwoNodes, RateLimitsFromTwoNodesAndTwentyThreadsNeverPassTheirMax) {
  // The user's and its account's limits, as policy::RateLimit asks on every MAIL FROM; the
  // threads' clocks differ by a few ms, all within the first bucket of both windows.
  constexpr Millis kT0 = 1'800'000'000'000;
  const storage::RateLimitKey user{"user:0b1e", 61, 60'000};
  const storage::RateLimitKey account{"account:1", 90, 3'600'000};
  std::atomic<int> counted{0}, refused{0}, failed{0};
  std::vector<std::thread> threads;
  for (PgStore* node : {a_.get(), b_.get()})
    for (int t = 0; t < 10; ++t)
      threads.emplace_back([&, node, t] {
        for (int i = 0; i < 10; ++i) {
          std::vector<storage::RateLimitKey> limits{user, account};
          auto r = node->try_add_rate(limits, kT0 + 100 + t);
          if (!r.ok())
            ++failed;
          else if (!r->has_value())
            ++counted;
          else
            ++refused;
        }
      });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(counted.load(), 61);
  EXPECT_EQ(refused.load(), 200 - 61);
  // Either node sees the same counts: the user is full, the account has 90 - 61 left.
  std::vector<storage::RateLimitKey> just_user{user};
  EXPECT_EQ(b_->try_add_rate(just_user, kT0 + 200).value(), std::optional<std::size_t>(0));
  int left = 0;
  std::vector<storage::RateLimitKey> just_account{account};
  for (PgStore* node : {a_.get(), b_.get(), a_.get()})
    while (left < 100 && !node->try_add_rate(just_account, kT0 + 200).value()) ++left;
  EXPECT_EQ(left, 90 - 61);
}

TEST_F(TwoNodes, AnIdempotencyKeyIsReservedOnceAcrossNodes) {
  ASSERT_TRUE(a_->create_account("acme").ok());
  auto u = a_->create_user(user_named("app"));
  ASSERT_TRUE(u.ok());
  std::atomic<int> reserved{0}, failed{0};
  std::vector<std::thread> threads;
  for (PgStore* node : {a_.get(), b_.get()})
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([&, node] {
        auto c = node->claim_idempotency_key(u->id, "k", "h", 5, 86400000, 600000);
        if (!c.ok())
          ++failed;
        else if (c->kind == storage::IdempotencyClaim::Kind::Reserved)
          ++reserved;
      });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(reserved.load(), 1);
}

}  // namespace
}  // namespace postern::pgstore::testing
