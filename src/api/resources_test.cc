// Happy paths of every route with the shapes of docs/api.md, and the one-time secrets:
// a generated password, an API key and a webhook secret appear only in the creating answer.
#include <filesystem>
#include <fstream>

#include "api/api_test_support.h"
#include "auth/password_hash.h"
#include "metrics/registry.h"

namespace postern::api::testing {
namespace {

using nlohmann::json;

class ResourcesTest : public ApiTest {};

bool has_keys(const json& doc, std::initializer_list<const char*> keys) {
  for (const char* k : keys)
    if (!doc.contains(k)) {
      ADD_FAILURE() << "missing " << k << " in " << doc.dump();
      return false;
    }
  return true;
}

TEST_F(ResourcesTest, Accounts) {
  Answer created = call("POST", "/api/v1/accounts", json{{"name", "Initech"}});
  ASSERT_EQ(created.status, 201) << created.response.body;
  EXPECT_EQ(created.json["name"], "initech");
  EXPECT_EQ(created.json["status"], "active");
  has_keys(created.json, {"name", "status", "suspend_reason", "created_at"});
  Answer list = call("GET", "/api/v1/accounts");
  EXPECT_EQ(list.json.size(), 3u);
  Answer susp = call("POST", "/api/v1/accounts/initech/suspend", json{{"reason", "unpaid"}});
  EXPECT_EQ(susp.status, 200);
  EXPECT_EQ(susp.json["status"], "suspended");
  EXPECT_EQ(susp.json["suspend_reason"], "unpaid");
  EXPECT_EQ(call("GET", "/api/v1/accounts/initech").json["status"], "suspended");
  Answer resumed = send(make_request("POST", "/api/v1/accounts/initech/resume", "",
                                     {{"authorization", "Bearer " + admin_key_}}));
  EXPECT_EQ(resumed.status, 200);
  EXPECT_EQ(resumed.json["status"], "active");
  EXPECT_EQ(call("GET", "/api/v1/accounts/acme", {}, acme_key_).json["name"], "acme");
}

TEST_F(ResourcesTest, CreatingAUserWithoutAPasswordReturnsTheGeneratedOneOnce) {
  Answer a = call("POST", "/api/v1/smtp-users",
                  json{{"username", "Billing"}, {"allow_ips", {"192.0.2.0/24"}},
                       {"mode", "account"}, {"quota", 500}, {"quota_period", "month"},
                       {"rate", "100/m"}, {"domains", {"Acme.example"}}},
                  acme_key_);
  ASSERT_EQ(a.status, 201) << a.response.body;
  has_keys(a.json, {"username", "uuid", "account", "account_status", "status", "allow_ips",
                    "allow_ip_mode", "mode", "domains", "quota", "quota_period", "quota_action",
                    "rate", "previous_password_until", "created_at", "updated_at",
                    "last_login_at", "version", "quota_used", "quota_period_start", "password"});
  EXPECT_EQ(a.json["username"], "billing");
  EXPECT_EQ(a.json["account"], "acme");
  EXPECT_EQ(a.json["allow_ips"], json({"192.0.2.0/24"}));
  EXPECT_EQ(a.json["domains"], json({"acme.example"}));
  EXPECT_EQ(a.json["quota_used"], 0);
  const std::string password = a.json["password"];
  EXPECT_EQ(password.size(), 24u);
  auto stored = store().find_user("billing");
  ASSERT_TRUE(stored);
  EXPECT_TRUE(auth::verify_password(stored->password_hash, password));
  EXPECT_EQ(a.response.body.find("$argon2"), std::string::npos);
  // Never again.
  for (const auto& later : {call("GET", "/api/v1/smtp-users/billing"),
                            call("GET", "/api/v1/smtp-users?account=acme"),
                            call("PATCH", "/api/v1/smtp-users/billing", json{{"quota", 10}})}) {
    EXPECT_EQ(later.status, 200);
    EXPECT_EQ(later.response.body.find(password), std::string::npos);
    EXPECT_EQ(later.response.body.find("\"password\""), std::string::npos);
  }
}

TEST_F(ResourcesTest, AGivenPasswordIsNeverEchoed) {
  Answer a = call("POST", "/api/v1/smtp-users",
                  json{{"account", "acme"}, {"username", "app"}, {"password", "correct horse 42"}});
  ASSERT_EQ(a.status, 201) << a.response.body;
  EXPECT_FALSE(a.json.contains("password"));
  EXPECT_EQ(a.response.body.find("correct horse"), std::string::npos);
  EXPECT_TRUE(auth::verify_password(store().find_user("app")->password_hash, "correct horse 42"));
}

TEST_F(ResourcesTest, PatchChangesSettingsStatusAndName) {
  add_user("acme", "app");
  Answer a = call("PATCH", "/api/v1/smtp-users/app",
                  json{{"allow_ips", {"10.0.0.1"}}, {"allow_ip_mode", "report"}, {"rate", nullptr},
                       {"status", "disabled"}, {"username", "app2"}, {"quota_action", "reject"}});
  ASSERT_EQ(a.status, 200) << a.response.body;
  EXPECT_EQ(a.json["username"], "app2");
  EXPECT_EQ(a.json["status"], "disabled");
  EXPECT_EQ(a.json["allow_ips"], json({"10.0.0.1/32"}));
  EXPECT_EQ(a.json["allow_ip_mode"], "report");
  EXPECT_EQ(a.json["quota_action"], "reject");
  EXPECT_TRUE(a.json["rate"].is_null());
  EXPECT_FALSE(store().find_user("app"));
  EXPECT_EQ(call("PATCH", "/api/v1/smtp-users/app2", json{{"status", "active"}}).json["status"], "active");
  EXPECT_EQ(call("PATCH", "/api/v1/smtp-users/app2", json{{"allow_ips", json::array()}}).json["allow_ips"],
            json::array());
}

TEST_F(ResourcesTest, PasswordResetWithGrace) {
  Answer made = call("POST", "/api/v1/smtp-users",
                     json{{"account", "acme"}, {"username", "app"}, {"password", "first password"}});
  ASSERT_EQ(made.status, 201);
  Answer a = call("POST", "/api/v1/smtp-users/app/password", json{{"grace", "24h"}});
  ASSERT_EQ(a.status, 200) << a.response.body;
  EXPECT_EQ(a.json["username"], "app");
  EXPECT_EQ(a.json["previous_password_until"], format_iso8601(clock_.now_ms() + 24 * 3600 * 1000));
  const std::string generated = a.json["password"];
  auto u = store().find_user("app");
  EXPECT_TRUE(auth::verify_password(u->password_hash, generated));
  EXPECT_TRUE(auth::verify_password(u->previous_password_hash, "first password"));
  Answer given = call("POST", "/api/v1/smtp-users/app/password", json{{"password", "third password"}});
  EXPECT_EQ(given.status, 200);
  EXPECT_FALSE(given.json.contains("password"));
  EXPECT_TRUE(given.json["previous_password_until"].is_null());
  EXPECT_EQ(given.response.body.find("third"), std::string::npos);
}

TEST_F(ResourcesTest, DeleteUser) {
  add_user("acme", "app");
  EXPECT_EQ(call("DELETE", "/api/v1/smtp-users/app", {}, acme_key_).status, 204);
  EXPECT_EQ(store().find_user("app")->status, storage::UserStatus::Deleted);
  EXPECT_EQ(call("GET", "/api/v1/smtp-users").json.size(), 0u);
}

TEST_F(ResourcesTest, Domains) {
  Answer a = call("POST", "/api/v1/domains",
                  json{{"domain", "Mail.Acme.example"}, {"algorithms", {"ed25519"}}}, acme_key_);
  ASSERT_EQ(a.status, 201) << a.response.body;
  has_keys(a.json, {"name", "account", "verified", "verification", "selectors", "records"});
  EXPECT_EQ(a.json["name"], "mail.acme.example");
  EXPECT_EQ(a.json["account"], "acme");
  ASSERT_EQ(a.json["selectors"].size(), 1u);
  EXPECT_EQ(a.json["selectors"][0]["algorithm"], "ed25519");
  EXPECT_EQ(a.response.body.find("PRIVATE"), std::string::npos);
  EXPECT_EQ(call("GET", "/api/v1/domains?account=acme").json.size(), 1u);
  EXPECT_EQ(call("GET", "/api/v1/domains/mail.acme.example").json["name"], "mail.acme.example");
  // Verification through the resolver: SPF published, DKIM and DMARC not yet.
  dns_.txt_records["mail.acme.example"] = {"v=spf1 include:_spf.relay.test ~all"};
  Answer v = call("POST", "/api/v1/domains/mail.acme.example/verify");
  ASSERT_EQ(v.status, 200) << v.response.body;
  EXPECT_EQ(v.json["domain"], "mail.acme.example");
  EXPECT_EQ(v.json["verified"], false);
  EXPECT_EQ(v.json["spf"]["status"], "ok") << v.response.body;
  EXPECT_EQ(v.json["dmarc"]["status"], "missing");
  EXPECT_FALSE(call("GET", "/api/v1/domains/mail.acme.example").json["verification"]["checked_at"].is_null());
  const std::string keydir = config_.data_dir + "/dkim/mail.acme.example";
  EXPECT_TRUE(std::filesystem::exists(keydir));
  EXPECT_EQ(call("DELETE", "/api/v1/domains/mail.acme.example").status, 204);
  EXPECT_FALSE(store().find_domain("mail.acme.example"));
  EXPECT_FALSE(std::filesystem::exists(keydir));
  // Both algorithms by default.
  Answer both = call("POST", "/api/v1/domains", json{{"account", "acme"}, {"domain", "b.example"}});
  ASSERT_EQ(both.status, 201);
  EXPECT_EQ(both.json["selectors"].size(), 2u);
}

TEST_F(ResourcesTest, LogsNewestFirstWithFilters) {
  add_auth_event(std::string("acme"), "app", "fail", "bad_password");
  clock_.advance(1000);
  add_auth_event(std::string("acme"), "app", "ok");
  clock_.advance(1000);
  add_auth_event(std::string("acme"), "other", "fail", "ip_not_allowed");
  Answer all = call("GET", "/api/v1/logs/auth");
  ASSERT_EQ(all.status, 200);
  ASSERT_EQ(all.json.size(), 3u);
  EXPECT_EQ(all.json[0]["username"], "other");
  EXPECT_TRUE(all.json[0].contains("detail"));
  EXPECT_EQ(call("GET", "/api/v1/logs/auth?user=app&result=fail").json.size(), 1u);
  EXPECT_EQ(call("GET", "/api/v1/logs/auth?limit=2").json.size(), 2u);
  EXPECT_EQ(call("GET", "/api/v1/logs/auth?since=1s").json.size(), 2u);
  EXPECT_EQ(call("GET", "/api/v1/logs/auth?ip=192.0.2.7&account=acme", {}, acme_key_).json.size(), 3u);

  std::string id = add_queued("acme", "app");
  add_message_event("acme", id, "deferred");
  Answer msgs = call("GET", "/api/v1/logs/messages?id=" + id);
  ASSERT_EQ(msgs.json.size(), 2u);
  EXPECT_EQ(call("GET", "/api/v1/logs/messages?status=deferred", {}, acme_key_).json.size(), 1u);
  Answer one = call("GET", "/api/v1/messages/" + id, {}, acme_key_);
  ASSERT_EQ(one.status, 200) << one.response.body;
  EXPECT_EQ(one.json["id"], id);
  EXPECT_EQ(one.json["events"].size(), 2u);
  EXPECT_EQ(one.json["queue"]["recipients"][0]["status"], "queued");
}

TEST_F(ResourcesTest, AccountFilteringOfLogsFindsOlderEventsPastOtherAccounts) {
  add_auth_event(std::string("acme"), "app", "fail");
  for (int i = 0; i < 30; ++i) add_auth_event(std::string("globex"), "g", "fail");
  Answer a = call("GET", "/api/v1/logs/auth?limit=5", {}, acme_key_);
  ASSERT_EQ(a.json.size(), 1u);
  EXPECT_EQ(a.json[0]["username"], "app");
}

TEST_F(ResourcesTest, MessageLogsFilterByIpAndAccountInTheStore) {
  add_message_event("acme", "Q1", "accepted");  // from 192.0.2.1
  storage::MessageEvent e;
  e.time = clock_.now_ms();
  e.id = "Q2";
  e.user = "globex-app";
  e.account = "globex";
  e.ip = "198.51.100.9";
  e.status = "accepted";
  ASSERT_TRUE(store().append_message_events({&e, 1}).ok());
  for (int i = 0; i < 30; ++i) add_message_event("globex", "Q3", "deferred");
  EXPECT_EQ(call("GET", "/api/v1/logs/messages?ip=198.51.100.9").json.size(), 1u);
  Answer by_ip = call("GET", "/api/v1/logs/messages?ip=192.0.2.1&limit=100");
  EXPECT_EQ(by_ip.json.size(), 31u);
  // An account key: its own events only, found past the newer ones of another account.
  Answer mine = call("GET", "/api/v1/logs/messages?ip=192.0.2.1&limit=5", {}, acme_key_);
  ASSERT_EQ(mine.json.size(), 1u);
  EXPECT_EQ(mine.json[0]["id"], "Q1");
  EXPECT_EQ(call("GET", "/api/v1/logs/messages?ip=198.51.100.9", {}, acme_key_).json.size(), 0u);
  EXPECT_EQ(call("GET", "/api/v1/logs/messages?account=globex&status=accepted").json.size(), 1u);
  EXPECT_EQ(call("GET", "/api/v1/logs/messages?account=acme&limit=2").json.size(), 1u);
  add_auth_event(std::string("globex"), "g", "fail");
  add_auth_event(std::string("acme"), "app", "ok");
  EXPECT_EQ(call("GET", "/api/v1/logs/auth?account=globex").json.size(), 1u);
  EXPECT_EQ(call("GET", "/api/v1/logs/auth?account=globex", {}, acme_key_).status, 403);
}

TEST_F(ResourcesTest, Queue) {
  int woken = 0;
  api_ = std::make_unique<Api>(Dependencies{*store_, config_, {}, [&woken] { ++woken; }, nullptr,
                                            clock_, ""});
  std::string id = add_queued("acme", "app");
  Answer list = call("GET", "/api/v1/queue", {}, acme_key_);
  ASSERT_EQ(list.json.size(), 1u);
  has_keys(list.json[0], {"id", "mail_from", "rcpt", "user", "account", "size", "received_at",
                          "recipients"});
  Answer retry = call("POST", "/api/v1/queue/" + id + "/retry", {}, acme_key_);
  ASSERT_EQ(retry.status, 200) << retry.response.body;
  EXPECT_EQ(retry.json["scheduled"], 1);
  EXPECT_EQ(woken, 1);
  EXPECT_EQ(store().deliveries_of(id)[0].next_attempt_at, clock_.now_ms());
  EXPECT_EQ(call("DELETE", "/api/v1/queue/" + id, {}, acme_key_).status, 204);
  EXPECT_EQ(store().deliveries_of(id)[0].status, "deleted");
  EXPECT_EQ(call("GET", "/api/v1/queue").json.size(), 0u);
  EXPECT_EQ(call("DELETE", "/api/v1/queue/" + id).status, 404);
}

TEST_F(ResourcesTest, Suppressions) {
  Answer a = call("POST", "/api/v1/suppressions", json{{"address", "<Bob@Example.org>"}}, acme_key_);
  ASSERT_EQ(a.status, 201) << a.response.body;
  EXPECT_EQ(a.json, json({{"account", "acme"}, {"address", "bob@example.org"}, {"reason", "manual"},
                          {"created_at", a.json["created_at"]}}));
  EXPECT_EQ(call("POST", "/api/v1/suppressions",
                 json{{"account", "acme"}, {"address", "bob@example.org"}, {"reason", "again"}}).status,
            200);
  Answer list = call("GET", "/api/v1/suppressions?account=acme");
  ASSERT_EQ(list.json.size(), 1u);
  EXPECT_EQ(list.json[0]["reason"], "manual");
  EXPECT_EQ(call("GET", "/api/v1/suppressions", {}, acme_key_).json.size(), 1u);
  EXPECT_EQ(call("DELETE", "/api/v1/suppressions?address=BOB@example.org", {}, acme_key_).status, 204);
  EXPECT_EQ(call("DELETE", "/api/v1/suppressions?account=acme&address=bob@example.org").status, 404);
}

TEST_F(ResourcesTest, WebhooksReturnTheirSecretOnce) {
  Answer a = call("POST", "/api/v1/webhooks",
                  json{{"url", "https://hooks.example/postern"}, {"events", {"bounced", "auth_failed"}}});
  ASSERT_EQ(a.status, 201) << a.response.body;
  has_keys(a.json, {"id", "account", "url", "events", "active", "created_at", "pending", "dead", "secret"});
  EXPECT_TRUE(a.json["account"].is_null());  // an admin webhook
  const std::string secret = a.json["secret"];
  EXPECT_EQ(secret.rfind("whsec_", 0), 0u);
  EXPECT_GE(secret.size(), 40u);
  const std::string id = std::to_string(a.json["id"].get<std::int64_t>());
  Answer list = call("GET", "/api/v1/webhooks");
  ASSERT_EQ(list.json.size(), 1u);
  EXPECT_EQ(list.response.body.find(secret), std::string::npos);
  EXPECT_FALSE(list.json[0].contains("secret"));

  add_delivery(a.json["id"], "dead");
  add_delivery(a.json["id"], "pending");
  Answer hooks = call("GET", "/api/v1/webhooks");
  EXPECT_EQ(hooks.json[0]["dead"], 1);
  EXPECT_EQ(hooks.json[0]["pending"], 1);
  Answer dead = call("GET", "/api/v1/webhooks/" + id + "/deliveries?status=dead");
  ASSERT_EQ(dead.json.size(), 1u);
  has_keys(dead.json[0], {"id", "webhook_id", "event", "status", "attempts", "next_attempt_at",
                          "last_error", "created_at", "updated_at", "body"});
  EXPECT_EQ(dead.json[0]["last_error"], "HTTP 500");
  EXPECT_EQ(call("GET", "/api/v1/webhooks/" + id + "/deliveries?limit=1").json.size(), 1u);
  const std::string delivery = std::to_string(dead.json[0]["id"].get<std::int64_t>());
  Answer again = call("POST", "/api/v1/webhooks/" + id + "/deliveries/" + delivery + "/redeliver");
  ASSERT_EQ(again.status, 200) << again.response.body;
  EXPECT_EQ(again.json["status"], "pending");
  EXPECT_EQ(call("GET", "/api/v1/webhooks/" + id + "/deliveries?status=dead").json.size(), 0u);

  EXPECT_EQ(call("DELETE", "/api/v1/webhooks?id=" + id).status, 204);
  Answer b = call("POST", "/api/v1/webhooks",
                  json{{"url", "http://127.0.0.1:8080/x"}, {"events", {"delivered"}}, {"account", "acme"}});
  ASSERT_EQ(b.status, 201);
  EXPECT_EQ(b.json["account"], "acme");
  EXPECT_EQ(call("DELETE", "/api/v1/webhooks/" + std::to_string(b.json["id"].get<std::int64_t>()),
                 {}, acme_key_).status, 204);
  EXPECT_EQ(call("GET", "/api/v1/webhooks").json.size(), 0u);
}

TEST_F(ResourcesTest, ApiKeysReturnTheKeyOnce) {
  Answer a = call("POST", "/api/v1/apikeys", json{{"name", "CI"}, {"account", "acme"}});
  ASSERT_EQ(a.status, 201) << a.response.body;
  has_keys(a.json, {"name", "account", "prefix", "created_at", "last_used_at", "key"});
  EXPECT_EQ(a.json["name"], "ci");
  const std::string key = a.json["key"];
  EXPECT_EQ(key.size(), 46u);
  EXPECT_EQ(a.json["prefix"], key.substr(0, 12));
  // It works, as an account key of acme.
  EXPECT_EQ(call("GET", "/api/v1/accounts/acme", {}, key).status, 200);
  EXPECT_EQ(call("GET", "/api/v1/accounts/globex", {}, key).status, 403);
  Answer list = call("GET", "/api/v1/apikeys");
  EXPECT_EQ(list.json.size(), 3u);
  EXPECT_EQ(list.response.body.find(key), std::string::npos);
  EXPECT_EQ(call("GET", "/api/v1/apikeys", {}, acme_key_).json.size(), 2u);
  Answer admin = call("POST", "/api/v1/apikeys", json{{"name", "second-admin"}});
  EXPECT_TRUE(admin.json["account"].is_null());
  EXPECT_EQ(call("DELETE", "/api/v1/apikeys/ci", {}, acme_key_).status, 204);
  EXPECT_EQ(call("GET", "/api/v1/accounts/acme", {}, key).status, 401);
}

TEST_F(ResourcesTest, HourlyStatsFillEveryHour) {
  add_queued("acme", "app");  // one accepted event now
  Answer a = call("GET", "/api/v1/stats/hourly?hours=6");
  ASSERT_EQ(a.status, 200) << a.response.body;
  ASSERT_EQ(a.json.size(), 6u);
  has_keys(a.json[0], {"hour", "accepted", "delivered", "deferred", "bounced", "expired",
                       "rejected", "auth_failed"});
  const Millis hour = 3'600'000;
  const Millis now = clock_.now_ms();
  EXPECT_EQ(a.json[5]["hour"], format_iso8601(now - now % hour));
  EXPECT_EQ(a.json[0]["hour"], format_iso8601(now - now % hour - 5 * hour));
  EXPECT_EQ(a.json[5]["accepted"], 1);
  EXPECT_EQ(a.json[4]["accepted"], 0);
  EXPECT_EQ(call("GET", "/api/v1/stats/hourly").json.size(), 24u);
  EXPECT_EQ(call("GET", "/api/v1/stats/hourly", {}, acme_key_).json[23]["accepted"], 1);
  EXPECT_EQ(call("GET", "/api/v1/stats/hourly?account=globex").json[23]["accepted"], 0);
}

TEST_F(ResourcesTest, OperationsAndDashboard) {
  Answer health = call("GET", "/healthz", {}, "");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json, json({{"status", "ok"}}));
  EXPECT_EQ(call("GET", "/metrics", {}, "").status, 404);  // no registry given
  metrics::Registry registry;
  registry.counter("postern_test_total", "A test counter").inc();
  api_ = std::make_unique<Api>(Dependencies{*store_, config_, {}, {}, &registry, clock_, ""});
  Answer m = call("GET", "/metrics", {}, "");
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(m.response.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(m.response.body.find("postern_test_total 1"), std::string::npos) << m.response.body;

  // Files from a directory (development) and the CSP on HTML.
  std::filesystem::create_directories(dir_.path() / "web");
  std::ofstream(dir_.path() / "web" / "index.html") << "<!doctype html><title>Postern</title>";
  std::ofstream(dir_.path() / "web" / "app.js") << "console.log(1)";
  api_ = std::make_unique<Api>(
      Dependencies{*store_, config_, {}, {}, nullptr, clock_, (dir_.path() / "web").string()});
  Answer index = call("GET", "/", {}, "");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.response.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(index.header("Content-Security-Policy"), "default-src 'self'; frame-ancestors 'none'");
  Answer js = call("GET", "/assets/app.js", {}, "");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.response.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js.header("Content-Security-Policy"), "");
  EXPECT_EQ(call("GET", "/assets/missing.js", {}, "").status, 404);
  EXPECT_EQ(call("GET", "/assets/.hidden", {}, "").status, 404);
  http::Request climb = make_request("GET", "/assets/x", "");
  climb.path = "/assets/../postern.db";  // as if the server had let it through
  EXPECT_EQ(send(climb).status, 404);
}

}  // namespace
}  // namespace postern::api::testing
