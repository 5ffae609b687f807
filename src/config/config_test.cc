#include <gtest/gtest.h>

#include "config/config.h"

using namespace postern::config;

TEST(Config, DefaultTextParses) {
  auto c = parse_config(default_config_text("var"), "default");
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->listeners.size(), 3u);
  EXPECT_EQ(c->listeners[0].port, 587);
  EXPECT_EQ(c->listeners[1].tls, TlsMode::Implicit);
  EXPECT_EQ(c->store_url, "sqlite:var/postern.db");
  EXPECT_EQ(c->auth_failure_window_s, 600u);
}

TEST(Config, InterfaceExampleParses) {
  const char* text = R"(
hostname = "relay.example.test"
data_dir = "var"
[store]
url = "sqlite:var/postern.db"
[[listener]]
address = "127.0.0.1:2587"
tls = "starttls"
proxy_protocol = false
trusted_proxies = ["127.0.0.1/32"]
[[listener]]
address = "[::1]:0"
tls = "implicit"
[tls]
cert = "var/tls/cert.pem"
key = "var/tls/key.pem"
[http]
address = "127.0.0.1:8025"
[delivery]
resolver = "system"
[[delivery.route]]
domain = "*"
to = "127.0.0.1:2526"
tls = "opportunistic"
[limits]
max_message_size = 26214400
max_recipients = 100
[auth]
max_failures_per_ip = 30
failure_window = "10m"
)";
  auto c = parse_config(text, "example");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->hostname, "relay.example.test");
  EXPECT_EQ(c->listeners[1].host, "::1");
  EXPECT_EQ(c->listeners[1].port, 0);
  EXPECT_EQ(c->listeners[0].trusted_proxies.size(), 1u);
  ASSERT_EQ(c->routes.size(), 1u);
  EXPECT_EQ(c->routes[0].to, "127.0.0.1:2526");
}

TEST(Config, ClearErrors) {
  auto bad_tls = parse_config("[[listener]]\naddress=\"127.0.0.1:1\"\ntls=\"ssl\"\n", "f");
  ASSERT_FALSE(bad_tls.ok());
  EXPECT_NE(bad_tls.error().message.find("tls must be"), std::string::npos);
  auto no_listener = parse_config("hostname=\"x\"\n", "f");
  EXPECT_FALSE(no_listener.ok());
  auto syntax = parse_config("hostname = \n", "f");
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.error().message.find("line 1"), std::string::npos);
  auto dur = parse_config("[[listener]]\naddress=\"127.0.0.1:1\"\n[auth]\nfailure_window=\"10x\"\n", "f");
  EXPECT_FALSE(dur.ok());
}

TEST(Config, SplitHostPort) {
  EXPECT_EQ(split_host_port("127.0.0.1:25")->second, 25);
  EXPECT_EQ(split_host_port("[::1]:587")->first, "::1");
  EXPECT_FALSE(split_host_port("::1:587").ok());
  EXPECT_FALSE(split_host_port("host:99999").ok());
  EXPECT_FALSE(split_host_port("host").ok());
}
