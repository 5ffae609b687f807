#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "webhooks/dispatcher.h"
#include "webhooks/payload.h"

using namespace postern;
using namespace postern::webhooks;
using nlohmann::json;

TEST(Sign, KnownHmacSha256Vector) {
  // printf '%s' '1700000000.{"type":"accepted"}' | openssl dgst -sha256 -hmac 'whsec_test'
  EXPECT_EQ(sign("whsec_test", "1700000000", R"({"type":"accepted"})"),
            "e300a23f785669450f465d11b139c5ba58fbebb51d3720fcb28b3f71efb2b714");
}

TEST(Sign, DependsOnEveryInput) {
  std::string base = sign("k", "1", "body");
  EXPECT_NE(base, sign("k2", "1", "body"));
  EXPECT_NE(base, sign("k", "2", "body"));
  EXPECT_NE(base, sign("k", "1", "body "));
  EXPECT_EQ(base, sign("k", "1", "body"));
  for (char c : base) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << base;
}

TEST(EventBody, MessageEvent) {
  storage::MessageEvent e;
  e.time = 1'795'000'000'123;
  e.id = "Q1";
  e.user = "crm";
  e.account = "acme";
  e.mail_from = "app@example.com";
  e.rcpt = "bob@example.org";
  e.status = "delivered";
  e.mx = "mx.example.org:25";
  e.remote_reply = "250 ok";
  e.attempt = 2;
  json j = json::parse(event_body(e));
  EXPECT_EQ(j["type"], "delivered");
  EXPECT_EQ(j["time"], format_iso8601(e.time));
  EXPECT_EQ(j["account"], "acme");
  ASSERT_TRUE(j["data"].is_object());
  EXPECT_EQ(j["data"]["id"], "Q1");
  EXPECT_EQ(j["data"]["rcpt"], "bob@example.org");
  EXPECT_EQ(j["data"]["status"], "delivered");
  EXPECT_EQ(j["data"]["attempt"], 2);
  EXPECT_EQ(j["data"]["reason"], nullptr);
  EXPECT_EQ(j.size(), 4u);
  e.account.clear();
  EXPECT_EQ(json::parse(event_body(e))["account"], nullptr);
}

TEST(EventBody, AuthEventNeverCarriesAPassword) {
  storage::AuthEvent e;
  e.time = 1'795'000'000'000;
  e.ip = "203.0.113.7";
  e.username = "crm";
  e.account = "acme";
  e.result = "fail";
  e.reason = "bad_password";
  e.hints = {"trailing_whitespace"};
  e.reply = "535 5.7.8 Authentication failed";
  json j = json::parse(event_body(e));
  EXPECT_EQ(j["type"], "auth_failed");
  EXPECT_EQ(j["account"], "acme");
  EXPECT_EQ(j["data"]["reason"], "bad_password");
  EXPECT_EQ(j["data"]["ip"], "203.0.113.7");
  EXPECT_EQ(j["data"]["hints"], json::array({"trailing_whitespace"}));
  EXPECT_FALSE(j["data"].contains("password"));
  e.account.reset();
  EXPECT_EQ(json::parse(event_body(e))["account"], nullptr);
}

TEST(EventBody, InvalidUtf8IsReplacedNotThrown) {
  storage::MessageEvent e;
  e.status = "accepted";
  e.mail_from = "caf\xe9@example.com";
  json j;
  ASSERT_NO_THROW(j = json::parse(event_body(e)));
  EXPECT_NE(j["data"]["mail_from"].get<std::string>().find("caf"), std::string::npos);
}

TEST(EventTypes, MessageStatusesAndAuthFailures) {
  storage::MessageEvent m;
  for (const char* status :
       {"accepted", "delivered", "deferred", "bounced", "expired", "rejected"}) {
    m.status = status;
    EXPECT_EQ(webhook_event_type(m), std::optional<std::string>(status));
  }
  m.status = "suppressed";
  EXPECT_EQ(webhook_event_type(m), std::nullopt);
  m.status = "auth_failed";  // not a message status
  EXPECT_EQ(webhook_event_type(m), std::nullopt);
  storage::AuthEvent a;
  a.result = "fail";
  EXPECT_EQ(webhook_event_type(a), std::optional<std::string>("auth_failed"));
  a.result = "ok";
  EXPECT_EQ(webhook_event_type(a), std::nullopt);
  EXPECT_EQ(event_types().size(), 7u);
  EXPECT_TRUE(is_event_type("auth_failed"));
  EXPECT_FALSE(is_event_type("suppressed"));
}

TEST(Matching, ByAccountEventAndActiveFlag) {
  storage::Webhook acme;
  acme.account = "acme";
  acme.events = {"delivered", "auth_failed"};
  EXPECT_TRUE(hook_matches(acme, "delivered", "acme"));
  EXPECT_FALSE(hook_matches(acme, "delivered", "other"));       // another account's event
  EXPECT_FALSE(hook_matches(acme, "delivered", std::nullopt));  // no account known
  EXPECT_FALSE(hook_matches(acme, "bounced", "acme"));          // not subscribed
  EXPECT_TRUE(hook_matches(acme, "auth_failed", "acme"));
  acme.active = false;
  EXPECT_FALSE(hook_matches(acme, "delivered", "acme"));

  storage::Webhook admin;  // account "" = every account
  admin.events = {"auth_failed"};
  EXPECT_TRUE(hook_matches(admin, "auth_failed", "acme"));
  EXPECT_TRUE(hook_matches(admin, "auth_failed", std::nullopt));
  EXPECT_FALSE(hook_matches(admin, "accepted", "acme"));
  admin.events.clear();  // every type
  EXPECT_TRUE(hook_matches(admin, "accepted", "acme"));
}

TEST(Retry, DefaultScheduleThenDead) {
  EXPECT_EQ(retry_delay_ms(1), 30'000);
  EXPECT_EQ(retry_delay_ms(2), 120'000);
  EXPECT_EQ(retry_delay_ms(3), 600'000);
  EXPECT_EQ(retry_delay_ms(4), 3'600'000);
  EXPECT_EQ(retry_delay_ms(5), 14'400'000);
  EXPECT_EQ(retry_delay_ms(6), -1);  // the 6th failure is final
  EXPECT_EQ(retry_delay_ms(0), -1);
  EXPECT_EQ(retry_delay_ms(1, {1000}), 1000);
  EXPECT_EQ(retry_delay_ms(2, {1000}), -1);
  EXPECT_EQ(retry_delay_ms(1, {}), -1);
}

TEST(Retry, JitterStaysWithinTenPercent) {
  EXPECT_EQ(with_jitter(30'000, 0), 30'000);
  EXPECT_EQ(with_jitter(30'000, 1), 33'000);
  EXPECT_EQ(with_jitter(30'000, -1), 27'000);
  EXPECT_EQ(with_jitter(30'000, 5), 33'000);  // clamped
}

TEST(UrlHost, ForLogs) {
  EXPECT_EQ(url_host("https://hooks.example.com:8443/x?y"), "hooks.example.com");
  EXPECT_EQ(url_host("http://user:pw@example.com/"), "example.com");
  EXPECT_EQ(url_host("http://[::1]:80/"), "[::1]");
  EXPECT_EQ(url_host("nonsense"), "");
}
