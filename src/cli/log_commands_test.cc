// `log auth` and `log messages` driven through CLI11 over a real SqliteStore: JSON shape and
// every filter.
#include <nlohmann/json.hpp>

#include "cli/cli_test_support.h"

namespace postern::cli {
namespace {

class LogCommands : public testing::CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    Millis now = now_ms();
    std::vector<storage::AuthEvent> events = {
        event(now - 3 * 3'600'000, "alice", "192.0.2.1", "fail", "bad_password"),
        event(now - 30 * 60'000, "alice", "192.0.2.2", "ok", "ok"),
        event(now - 10 * 60'000, "bob@example.com", "198.51.100.7", "fail", "unknown_user"),
        event(now - 60'000, "alice", "192.0.2.1", "ok", "ip_not_allowed"),
    };
    events[0].hints = {"trailing_whitespace"};
    events[2].user_id.reset();
    events[2].account.reset();
    events[2].hints = {"username_has_at"};
    events[3].enforced = false;
    events[3].detail = "nearest allowed entry 192.0.2.0/30";
    ASSERT_TRUE(store().append_auth_events(events).ok());
  }

  static storage::AuthEvent event(Millis time, std::string username, std::string ip,
                                  std::string result, std::string reason) {
    storage::AuthEvent e;
    e.time = time;
    e.session = "s-" + std::to_string(time);
    e.ip = std::move(ip);
    e.port = 51514;
    e.listener = "127.0.0.1:587";
    e.tls = "TLSv1.3";
    e.mechanism = "PLAIN";
    e.username = std::move(username);
    e.user_id = "6f1c2d1e-0000-4000-8000-000000000001";
    e.account = "acme";
    e.result = std::move(result);
    e.reason = std::move(reason);
    e.reply = e.result == "ok" ? "235 2.7.0 Authentication successful"
                               : "535 5.7.8 Authentication failed";
    return e;
  }

  nlohmann::json log(std::vector<std::string> args) {
    std::vector<std::string> argv = {"log", "auth", "--json"};
    argv.insert(argv.end(), args.begin(), args.end());
    return nlohmann::json::parse(run(argv));
  }

  static std::vector<std::string> reasons(const nlohmann::json& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e["reason"]);
    return out;
  }
};

TEST_F(LogCommands, JsonHasTheInterfaceShapeNewestFirst) {
  nlohmann::json events = log({});
  ASSERT_TRUE(events.is_array());
  EXPECT_EQ(reasons(events),
            (std::vector<std::string>{"ip_not_allowed", "unknown_user", "ok", "bad_password"}));
  const auto& e = events[3];
  for (const char* key : {"time", "session", "ip", "port", "listener", "tls", "mechanism",
                          "username", "user_id", "account", "result", "reason", "hints", "reply",
                          "enforced", "detail"})
    EXPECT_TRUE(e.contains(key)) << key;
  EXPECT_EQ(e.size(), 16u);
  std::string time = e["time"];
  EXPECT_EQ(time.size(), 24u);  // 2026-11-27T19:02:11.123Z
  EXPECT_EQ(time.back(), 'Z');
  EXPECT_EQ(e["port"], 51514);
  EXPECT_EQ(e["hints"], nlohmann::json{"trailing_whitespace"});
  EXPECT_EQ(e["reply"], "535 5.7.8 Authentication failed");
  EXPECT_TRUE(events[1]["user_id"].is_null());
  EXPECT_TRUE(events[1]["account"].is_null());
  EXPECT_EQ(events[0]["enforced"], false);
  EXPECT_EQ(events[0]["detail"], "nearest allowed entry 192.0.2.0/30");
}

TEST_F(LogCommands, Filters) {
  EXPECT_EQ(reasons(log({"--user", "alice"})),
            (std::vector<std::string>{"ip_not_allowed", "ok", "bad_password"}));
  EXPECT_EQ(reasons(log({"--ip", "198.51.100.7"})), std::vector<std::string>{"unknown_user"});
  EXPECT_EQ(reasons(log({"--result", "fail"})),
            (std::vector<std::string>{"unknown_user", "bad_password"}));
  EXPECT_EQ(reasons(log({"--since", "1h"})),
            (std::vector<std::string>{"ip_not_allowed", "unknown_user", "ok"}));
  EXPECT_EQ(reasons(log({"--limit", "2"})),
            (std::vector<std::string>{"ip_not_allowed", "unknown_user"}));
  EXPECT_EQ(reasons(log({"--user", "alice", "--ip", "192.0.2.1", "--result", "ok"})),
            std::vector<std::string>{"ip_not_allowed"});
  EXPECT_TRUE(log({"--since", "30s"}).empty());
  // Unknown users belong to no account.
  EXPECT_EQ(reasons(log({"--account", "ACME"})),
            (std::vector<std::string>{"ip_not_allowed", "ok", "bad_password"}));
  EXPECT_EQ(reasons(log({"--account", "acme", "--ip", "192.0.2.1"})),
            (std::vector<std::string>{"ip_not_allowed", "bad_password"}));
  EXPECT_TRUE(log({"--account", "beta"}).empty());
}

TEST_F(LogCommands, MessagesFilterByAccountAndIp) {
  const Millis now = now_ms();
  auto message = [&](Millis ago, std::string id, std::string account, std::string ip) {
    storage::MessageEvent e;
    e.time = now - ago;
    e.id = std::move(id);
    e.user = account + "-app";
    e.account = std::move(account);
    e.ip = std::move(ip);
    e.status = "accepted";
    return e;
  };
  std::vector<storage::MessageEvent> events = {
      message(3000, "Q1", "acme", "192.0.2.1"),
      message(2000, "Q2", "beta", "192.0.2.1"),
      message(1000, "Q3", "acme", "2001:db8::5"),
  };
  ASSERT_TRUE(store().append_message_events(events).ok());
  auto ids = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {"log", "messages", "--json"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<std::string> out;
    for (const auto& e : nlohmann::json::parse(run(argv))) out.push_back(e["id"]);
    return out;
  };
  EXPECT_EQ(ids({}), (std::vector<std::string>{"Q3", "Q2", "Q1"}));
  EXPECT_EQ(ids({"--account", "acme"}), (std::vector<std::string>{"Q3", "Q1"}));
  EXPECT_EQ(ids({"--ip", "192.0.2.1"}), (std::vector<std::string>{"Q2", "Q1"}));
  EXPECT_EQ(ids({"--ip", "2001:db8::5", "--account", "acme"}), std::vector<std::string>{"Q3"});
  EXPECT_TRUE(ids({"--ip", "2001:db8::5", "--account", "beta"}).empty());
  EXPECT_EQ(error_of({"log", "messages", "--account", "Not An Account!"}).empty(), false);
}

TEST_F(LogCommands, HumanFormIsOneLinePerEvent) {
  std::string out = run({"log", "auth", "--since", "20m"});
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 2) << out;
  EXPECT_NE(out.find(" fail unknown_user user=bob@example.com "), std::string::npos) << out;
  EXPECT_NE(out.find("hints=username_has_at"), std::string::npos) << out;
  EXPECT_NE(out.find("enforced=no"), std::string::npos) << out;
  EXPECT_NE(out.find("reply=\"535 5.7.8 Authentication failed\""), std::string::npos) << out;
}

TEST_F(LogCommands, RefusesBadFilters) {
  EXPECT_EQ(error_of({"log", "auth", "--since", "yesterday"}),
            "invalid --since 'yesterday': expected a duration such as 30m, 1h or 2d");
  EXPECT_EQ(error_of({"log", "auth", "--result", "maybe"}).rfind("usage: ", 0), 0u);
  EXPECT_EQ(error_of({"log", "auth", "--limit", "0"}).rfind("usage: ", 0), 0u);
}

}  // namespace
}  // namespace postern::cli
