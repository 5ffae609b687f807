// The log queries of the Store contract (query_auth_events, query_message_events) with every
// filter, written against the Store interface only: every implementation must pass them.
#include <string>
#include <vector>

#include "storage/store_contract_test.h"

namespace postern::storage::testing {
namespace {

AuthEvent auth_event(Millis time, const std::string& ip, const std::optional<std::string>& account) {
  AuthEvent e;
  e.time = time;
  e.ip = ip;
  e.username = account ? "app" : "nobody";
  e.account = account;
  e.result = account ? "ok" : "fail";
  e.reason = account ? "ok" : "unknown_user";
  return e;
}

MessageEvent message_event(Millis time, const std::string& id, const std::string& user,
                           const std::string& account, const std::string& ip,
                           const std::string& status) {
  MessageEvent e;
  e.time = time;
  e.id = id;
  e.user = user;
  e.account = account;
  e.ip = ip;
  e.status = status;
  return e;
}

std::vector<Millis> times_of(const auto& events) {
  std::vector<Millis> out;
  for (const auto& e : events) out.push_back(e.time);
  return out;
}

TEST_P(StoreContract, AuthEventsFilterByAccount) {
  const std::vector<AuthEvent> batch{
      auth_event(1000, "203.0.113.7", "acme"),
      auth_event(2000, "203.0.113.8", "beta"),
      auth_event(3000, "203.0.113.7", std::nullopt),  // unknown user: no account
      auth_event(4000, "203.0.113.8", "acme"),
  };
  ASSERT_TRUE(store_->append_auth_events(batch).ok());
  AuthEventFilter f;
  f.account = "acme";
  EXPECT_EQ(times_of(store_->query_auth_events(f)), (std::vector<Millis>{4000, 1000}));
  f.account = "Acme";  // names compare normalised, as everywhere
  EXPECT_EQ(times_of(store_->query_auth_events(f)), (std::vector<Millis>{4000, 1000}));
  f.ip = "203.0.113.7";
  EXPECT_EQ(times_of(store_->query_auth_events(f)), (std::vector<Millis>{1000}));
  f = {};
  f.account = "acme";
  f.limit = 1;
  EXPECT_EQ(times_of(store_->query_auth_events(f)), (std::vector<Millis>{4000}));
  f = {};
  f.account = "gamma";
  EXPECT_TRUE(store_->query_auth_events(f).empty());
}

TEST_P(StoreContract, MessageEventsFilterByEveryField) {
  const std::vector<MessageEvent> batch{
      message_event(1000, "Q1", "app", "acme", "203.0.113.7", "accepted"),
      message_event(2000, "Q1", "app", "acme", "203.0.113.7", "delivered"),
      message_event(3000, "Q2", "crm", "beta", "2001:db8::1", "accepted"),
      message_event(4000, "", "app", "acme", "198.51.100.2", "rejected"),
      message_event(5000, "Q3", "crm", "beta", "203.0.113.7", "accepted"),
  };
  ASSERT_TRUE(store_->append_message_events(batch).ok());
  auto query = [&](auto edit) {
    MessageEventFilter f;
    edit(f);
    return times_of(store_->query_message_events(f));
  };
  using T = std::vector<Millis>;
  EXPECT_EQ(query([](auto&) {}), (T{5000, 4000, 3000, 2000, 1000}));  // newest first
  EXPECT_EQ(query([](auto& f) { f.user = "crm"; }), (T{5000, 3000}));
  EXPECT_EQ(query([](auto& f) { f.id = "Q1"; }), (T{2000, 1000}));
  EXPECT_EQ(query([](auto& f) { f.status = "accepted"; }), (T{5000, 3000, 1000}));
  EXPECT_EQ(query([](auto& f) { f.account = "acme"; }), (T{4000, 2000, 1000}));
  EXPECT_EQ(query([](auto& f) { f.account = "BETA"; }), (T{5000, 3000}));
  EXPECT_EQ(query([](auto& f) { f.ip = "203.0.113.7"; }), (T{5000, 2000, 1000}));
  EXPECT_EQ(query([](auto& f) { f.ip = "2001:db8::1"; }), (T{3000}));
  EXPECT_EQ(query([](auto& f) { f.since = 3000; }), (T{5000, 4000, 3000}));
  EXPECT_EQ(query([](auto& f) { f.limit = 2; }), (T{5000, 4000}));
  EXPECT_EQ(query([](auto& f) {
              f.account = "acme";
              f.ip = "203.0.113.7";
              f.status = "delivered";
            }),
            (T{2000}));
  EXPECT_EQ(query([](auto& f) {
              f.account = "beta";
              f.ip = "203.0.113.7";
              f.limit = 1;
            }),
            (T{5000}));
  EXPECT_EQ(query([](auto& f) { f.account = "acme"; f.user = "crm"; }), T{});
}

}  // namespace
}  // namespace postern::storage::testing
