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

TEST(Config, DeliverySettings) {
  auto c = parse_config(R"([[listener]]
address = "127.0.0.1:1"
[delivery]
mx_port = 2525
max_connections_per_destination = 3
connect_timeout = "5s"
data_final_timeout = "2m"
[[delivery.route]]
domain = "example.com"
to = "smtp.upstream.test:587"
tls = "required"
auth_user = "relay"
auth_password = "s3cret"
)", "f");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->mx_port, 2525);
  EXPECT_EQ(c->max_connections_per_destination, 3u);
  EXPECT_EQ(c->connect_timeout_s, 5u);
  EXPECT_EQ(c->data_final_timeout_s, 120u);
  EXPECT_EQ(c->greeting_timeout_s, 300u);
  ASSERT_EQ(c->routes.size(), 1u);
  EXPECT_EQ(c->routes[0].auth_user, "relay");
  EXPECT_EQ(c->routes[0].auth_password, "s3cret");
  auto bad = parse_config("[[listener]]\naddress=\"127.0.0.1:1\"\n[[delivery.route]]\n"
                          "to=\"a:1\"\ntls=\"maybe\"\n", "f");
  EXPECT_FALSE(bad.ok());
  auto half = parse_config("[[listener]]\naddress=\"127.0.0.1:1\"\n[[delivery.route]]\n"
                           "to=\"a:1\"\nauth_user=\"u\"\n", "f");
  EXPECT_FALSE(half.ok());
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

TEST(Config, DeliveryQueueSettings) {
  auto c = parse_config("[[listener]]\naddress=\"127.0.0.1:1\"\n[delivery]\nmax_queue_age=\"30s\"\n"
                        "retry_schedule=[\"1s\", 2, \"1m\"]\n", "f");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->max_queue_age_s, 30u);
  EXPECT_EQ(c->retry_schedule_s, (std::vector<std::uint32_t>{1, 2, 60}));
  EXPECT_FALSE(parse_config("[[listener]]\naddress=\"127.0.0.1:1\"\n[delivery]\nretry_schedule=[\"0s\"]\n", "f").ok());
  EXPECT_EQ(parse_config(default_config_text("var"), "d")->max_queue_age_s, 5u * 86400);
}

TEST(Config, WebhookSettings) {
  auto d = parse_config(default_config_text("var"), "d");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->webhook_retry_schedule_s, (std::vector<std::uint32_t>{30, 120, 600, 3600, 14400}));
  EXPECT_EQ(d->webhook_timeout_s, 10u);
  auto c = parse_config("[[listener]]\naddress=\"127.0.0.1:1\"\n[webhooks]\n"
                        "retry_schedule=[\"1s\", 2, \"1m\"]\ntimeout=\"3s\"\n", "f");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->webhook_retry_schedule_s, (std::vector<std::uint32_t>{1, 2, 60}));
  EXPECT_EQ(c->webhook_timeout_s, 3u);
  auto none = parse_config("[[listener]]\naddress=\"127.0.0.1:1\"\n[webhooks]\nretry_schedule=[]\n", "f");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->webhook_retry_schedule_s.empty());  // dead after the first failure
  for (const char* bad : {"retry_schedule=[\"0s\"]", "retry_schedule=[\"soon\"]", "retry_schedule=\"1s\"",
                          "timeout=\"0s\"", "timeout=\"1h\"", "timeout=\"x\""}) {
    auto r = parse_config(std::string("[[listener]]\naddress=\"127.0.0.1:1\"\n[webhooks]\n") + bad + "\n", "f");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find("[webhooks]"), std::string::npos) << r.error().message;
  }
}

TEST(Config, HostnameMustBeAHostName) {
  // It is the greeting, the EHLO name and part of the Received: header: a line break or a
  // space would let a config inject protocol lines (found by the config_file fuzzer).
  for (const char* bad : {"relay.test\\r\\n250-INJECTED", "relay test", "", "r\\u00e9lay.test"}) {
    auto c = parse_config(std::string("hostname = \"") + bad + "\"\n[[listener]]\naddress = \"a:1\"\n", "f");
    EXPECT_FALSE(c.ok()) << bad;
    if (!c.ok()) {
      EXPECT_NE(c.error().message.find("hostname must be a host name"), std::string::npos);
    }
  }
  auto spf = parse_config("[[listener]]\naddress = \"a:1\"\n[policy]\nspf_include = \"_spf example\"\n", "f");
  EXPECT_FALSE(spf.ok());
  auto ok = parse_config("hostname = \"Relay-1.example_x.test\"\n[[listener]]\naddress = \"a:1\"\n", "f");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->spf_include, "_spf.Relay-1.example_x.test");
}

TEST(Config, DefaultTextEscapesTheDataDir) {
  const std::string dir = "/srv/po\"stern\\data\tdir";
  auto c = parse_config(default_config_text(dir), "init");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->data_dir, dir);
  EXPECT_EQ(c->store_url, "sqlite:" + dir + "/postern.db");
  EXPECT_EQ(c->tls_key, dir + "/tls/key.pem");
}
