// An account key reaches only its own account: for EVERY route, a request naming an object of
// the other account is 403 (or, for the lists without an account filter, leaves it out), and
// nothing of the other account changes.
#include <set>

#include "api/api_test_support.h"

namespace postern::api::testing {
namespace {

struct CrossAccountCase {
  CrossAccountCase(std::string t, std::optional<nlohmann::json> b = std::nullopt, int s = 403,
                   std::string a = "")
      : target(std::move(t)), body(std::move(b)), status(s), absent(std::move(a)) {}
  std::string target;
  std::optional<nlohmann::json> body;
  int status;
  std::string absent;  // for 200 lists: a value that must not appear in the answer
};

class AccessTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    add_user("globex", "globex-app");
    add_user("acme", "acme-app");
    add_domain("globex", "globex.example");
    globex_queued_ = add_queued("globex", "globex-app");
    globex_hook_ = add_webhook("globex");
    globex_hook2_ = add_webhook("globex");
    add_delivery(globex_hook_.id, "dead");
    add_key("globex-ops", "globex");
    ASSERT_TRUE(store().add_suppression("globex", "gone@example.org", "manual").ok());
  }

  // One request per route, naming globex's objects; routes missing here fail the test.
  std::map<std::pair<std::string, std::string>, CrossAccountCase> cases() {
    const std::string hook = std::to_string(globex_hook_.id);
    const std::string delivery = std::to_string(first_delivery_id(globex_hook_.id));
    const std::string q = globex_queued_;
    return {
        {{"GET", "/api/v1/accounts"}, {"/api/v1/accounts", std::nullopt, 200, "globex"}},
        {{"POST", "/api/v1/accounts"}, {"/api/v1/accounts", nlohmann::json{{"name", "newco"}}}},
        {{"GET", "/api/v1/accounts/{name}"}, {"/api/v1/accounts/globex"}},
        {{"POST", "/api/v1/accounts/{name}/suspend"}, {"/api/v1/accounts/globex/suspend", nlohmann::json::object()}},
        {{"POST", "/api/v1/accounts/{name}/resume"}, {"/api/v1/accounts/globex/resume"}},
        {{"GET", "/api/v1/smtp-users"}, {"/api/v1/smtp-users?account=globex"}},
        {{"POST", "/api/v1/smtp-users"},
         {"/api/v1/smtp-users", nlohmann::json{{"account", "globex"}, {"username", "sneaky"}}}},
        {{"GET", "/api/v1/smtp-users/{username}"}, {"/api/v1/smtp-users/globex-app"}},
        {{"PATCH", "/api/v1/smtp-users/{username}"},
         {"/api/v1/smtp-users/globex-app", nlohmann::json{{"status", "disabled"}}}},
        {{"DELETE", "/api/v1/smtp-users/{username}"}, {"/api/v1/smtp-users/globex-app"}},
        {{"POST", "/api/v1/smtp-users/{username}/password"},
         {"/api/v1/smtp-users/globex-app/password", nlohmann::json::object()}},
        {{"GET", "/api/v1/domains"}, {"/api/v1/domains?account=globex"}},
        {{"POST", "/api/v1/domains"},
         {"/api/v1/domains", nlohmann::json{{"account", "globex"}, {"domain", "new.example"}}}},
        {{"GET", "/api/v1/domains/{domain}"}, {"/api/v1/domains/globex.example"}},
        {{"POST", "/api/v1/domains/{domain}/verify"}, {"/api/v1/domains/globex.example/verify"}},
        {{"DELETE", "/api/v1/domains/{domain}"}, {"/api/v1/domains/globex.example"}},
        {{"GET", "/api/v1/logs/auth"}, {"/api/v1/logs/auth?account=globex"}},
        {{"GET", "/api/v1/logs/messages"}, {"/api/v1/logs/messages?account=globex"}},
        {{"GET", "/api/v1/messages/{id}"}, {"/api/v1/messages/" + q}},
        {{"GET", "/api/v1/queue"}, {"/api/v1/queue", std::nullopt, 200, q}},
        {{"POST", "/api/v1/queue/{id}/retry"}, {"/api/v1/queue/" + q + "/retry"}},
        {{"DELETE", "/api/v1/queue/{id}"}, {"/api/v1/queue/" + q}},
        {{"GET", "/api/v1/suppressions"}, {"/api/v1/suppressions?account=globex"}},
        {{"POST", "/api/v1/suppressions"},
         {"/api/v1/suppressions", nlohmann::json{{"account", "globex"}, {"address", "a@b.example"}}}},
        {{"DELETE", "/api/v1/suppressions"},
         {"/api/v1/suppressions?account=globex&address=gone@example.org"}},
        {{"GET", "/api/v1/webhooks"}, {"/api/v1/webhooks", std::nullopt, 200, "127.0.0.1:9"}},
        {{"POST", "/api/v1/webhooks"},
         {"/api/v1/webhooks", nlohmann::json{{"account", "globex"}, {"url", "http://x.example/"},
                                             {"events", {"delivered"}}}}},
        {{"DELETE", "/api/v1/webhooks"},
         {"/api/v1/webhooks?id=" + std::to_string(globex_hook2_.id)}},
        {{"DELETE", "/api/v1/webhooks/{id}"}, {"/api/v1/webhooks/" + hook}},
        {{"GET", "/api/v1/webhooks/{id}/deliveries"}, {"/api/v1/webhooks/" + hook + "/deliveries"}},
        {{"POST", "/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver"},
         {"/api/v1/webhooks/" + hook + "/deliveries/" + delivery + "/redeliver"}},
        {{"GET", "/api/v1/apikeys"}, {"/api/v1/apikeys", std::nullopt, 200, "globex"}},
        {{"POST", "/api/v1/apikeys"},
         {"/api/v1/apikeys", nlohmann::json{{"name", "sneaky"}, {"account", "globex"}}}},
        {{"DELETE", "/api/v1/apikeys/{name}"}, {"/api/v1/apikeys/globex-ops"}},
        {{"GET", "/api/v1/stats/hourly"}, {"/api/v1/stats/hourly?account=globex"}},
    };
  }

  std::string globex_queued_;
  storage::Webhook globex_hook_, globex_hook2_;
};

// Routes that are not about any account's objects.
const std::set<std::pair<std::string, std::string>> kNotAccountScoped = {
    {"POST", "/api/v1/session"},  // the login (public)
    {"GET", "/api/v1/session"},    // the caller's own session
    {"DELETE", "/api/v1/session"},
    {"GET", "/metrics"},
    {"GET", "/healthz"},
    {"GET", "/"},
    {"GET", "/assets/{file}"},
};

TEST_F(AccessTest, AnAccountKeyGets403ForTheOtherAccountOnEveryRoute) {
  auto table = cases();
  int checked = 0;
  for (const auto& route : api().routes()) {
    auto id = std::make_pair(route.method, route.pattern);
    if (kNotAccountScoped.count(id)) continue;
    auto it = table.find(id);
    ASSERT_NE(it, table.end()) << "no cross-account case for " << route.method << ' '
                               << route.pattern;
    const CrossAccountCase& c = it->second;
    Answer a = call(route.method, c.target, c.body, acme_key_);
    EXPECT_EQ(a.status, c.status) << route.method << ' ' << c.target << ": " << a.response.body;
    if (c.status == 403) {
      EXPECT_TRUE(a.json.contains("error")) << c.target;
    }
    if (!c.absent.empty()) {
      EXPECT_EQ(a.response.body.find(c.absent), std::string::npos) << c.target;
    }
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(table.size()));

  // Nothing of globex changed.
  EXPECT_EQ(store().find_user("globex-app")->status, storage::UserStatus::Active);
  EXPECT_EQ(store().find_user("globex-app")->version, 1);
  EXPECT_FALSE(store().find_user("sneaky"));
  EXPECT_TRUE(store().find_domain("globex.example"));
  EXPECT_FALSE(store().find_domain("new.example"));
  EXPECT_TRUE(store().find_webhook(globex_hook_.id));
  EXPECT_EQ(store().list_api_keys(std::string("globex")).size(), 1u);
  EXPECT_EQ(store().list_suppressions("globex")->size(), 1u);
  EXPECT_EQ(store().find_account("globex")->status, storage::AccountStatus::Active);
  EXPECT_FALSE(store().find_account("newco"));
  EXPECT_EQ(store().list_webhooks(std::string("globex")).size(), 2u);
  EXPECT_EQ(store().deliveries_of(globex_queued_).at(0).status, "queued");
  EXPECT_EQ(store().list_webhook_deliveries(globex_hook_.id, std::string("dead"), 10).size(), 1u);
}

TEST_F(AccessTest, TheSameRequestsWorkWithTheAdminKey) {
  // The cases are right (not 403 for a wrong reason): the admin key is allowed each of them.
  // Reads and changes first, deletions last, so that each request still finds its object.
  auto table = cases();
  for (const char* method : {"GET", "PATCH", "POST", "DELETE"})
    for (const auto& [id, c] : table) {
      if (id.first != method) continue;
      Answer a = call(id.first, c.target, c.body);
      EXPECT_LT(a.status, 300) << id.first << ' ' << c.target << ": " << a.response.body;
    }
}

TEST_F(AccessTest, ListsOfAnAccountKeyHoldOnlyItsAccount) {
  add_queued("acme", "acme-app");
  add_auth_event(std::string("globex"), "globex-app", "fail");
  add_auth_event(std::string("acme"), "acme-app", "fail");
  add_auth_event(std::nullopt, "nobody", "fail", "unknown_user");
  add_message_event("globex", "", "rejected");
  for (const char* target : {"/api/v1/accounts", "/api/v1/smtp-users", "/api/v1/domains",
                             "/api/v1/logs/auth", "/api/v1/logs/messages", "/api/v1/queue",
                             "/api/v1/webhooks", "/api/v1/apikeys", "/api/v1/suppressions"}) {
    Answer a = call("GET", target, {}, acme_key_);
    ASSERT_EQ(a.status, 200) << target << a.response.body;
    EXPECT_EQ(a.response.body.find("globex"), std::string::npos) << target << a.response.body;
    EXPECT_EQ(a.response.body.find("nobody"), std::string::npos) << target;
  }
  EXPECT_EQ(call("GET", "/api/v1/logs/auth", {}, acme_key_).json.size(), 1u);
  EXPECT_EQ(call("GET", "/api/v1/queue", {}, acme_key_).json.size(), 1u);
  // The admin key sees everything.
  EXPECT_EQ(call("GET", "/api/v1/logs/auth").json.size(), 3u);
  EXPECT_EQ(call("GET", "/api/v1/queue").json.size(), 2u);
}

TEST_F(AccessTest, AdminOnlyThingsAre403ForAccountKeys) {
  auto admin_hook = add_webhook("");
  EXPECT_EQ(call("DELETE", "/api/v1/webhooks/" + std::to_string(admin_hook.id), {}, acme_key_).status, 403);
  EXPECT_EQ(call("GET", "/api/v1/webhooks/" + std::to_string(admin_hook.id) + "/deliveries", {},
                 acme_key_).status, 403);
  EXPECT_EQ(call("DELETE", "/api/v1/apikeys/root", {}, acme_key_).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/accounts/acme/suspend", nlohmann::json::object(), acme_key_).status, 403);
  // An account key's new key and webhook belong to its account, never to the admin.
  Answer key = call("POST", "/api/v1/apikeys", nlohmann::json{{"name", "acme-ci"}}, acme_key_);
  ASSERT_EQ(key.status, 201) << key.response.body;
  EXPECT_EQ(key.json["account"], "acme");
  Answer hook = call("POST", "/api/v1/webhooks",
                     nlohmann::json{{"url", "https://hooks.example/x"}, {"events", {"bounced"}}},
                     acme_key_);
  ASSERT_EQ(hook.status, 201) << hook.response.body;
  EXPECT_EQ(hook.json["account"], "acme");
}

}  // namespace
}  // namespace postern::api::testing
