// Authentication: Bearer keys, the dashboard session (cookie + CSRF), revocation, expiry.
#include "api/api_test_support.h"
#include "api/sessions.h"
#include "auth/api_key.h"

namespace postern::api::testing {
namespace {

class AuthTest : public ApiTest {
 protected:
  // Logs in with `key`; returns the session answer.
  Answer login(const std::string& key) {
    return call("POST", "/api/v1/session", nlohmann::json{{"key", key}}, "");
  }
  static std::string cookie_value(const Answer& a) {
    std::string set = a.header("Set-Cookie");
    auto start = set.find('=') + 1;
    return set.substr(start, set.find(';') - start);
  }
  Answer with_cookie(const std::string& method, const std::string& target,
                     const std::string& cookie, const std::optional<nlohmann::json>& body = {},
                     const std::string& csrf = "") {
    std::map<std::string, std::string> h{{"cookie", std::string(kSessionCookie) + "=" + cookie}};
    if (!csrf.empty()) h["x-csrf-token"] = csrf;
    return call(method, target, body, "", h);
  }
};

TEST_F(AuthTest, EveryRouteButThePublicOnesNeedsAKey) {
  int checked = 0;
  for (const auto& route : api().routes()) {
    if (route.pattern.rfind("/api/v1/", 0) != 0) continue;  // metrics, healthz, dashboard
    if (route.method == "POST" && route.pattern == "/api/v1/session") continue;  // the login
    std::string target = route.pattern;
    for (std::size_t open; (open = target.find('{')) != std::string::npos;)
      target.replace(open, target.find('}', open) - open + 1, "x1");
    for (const std::string& key : {std::string(), std::string("pk_") + std::string(43, 'A'),
                                   std::string("not-a-key")}) {
      Answer a = call(route.method, target, nlohmann::json::object(), key);
      EXPECT_EQ(a.status, 401) << route.method << ' ' << route.pattern << " key=" << key;
      EXPECT_TRUE(a.json.contains("error"));
    }
    ++checked;
  }
  EXPECT_GT(checked, 35);
}

TEST_F(AuthTest, OtherSchemesAndRevokedKeysAre401) {
  EXPECT_EQ(call("GET", "/api/v1/accounts", {}, "", {{"authorization", "Basic YTpi"}}).status, 401);
  EXPECT_EQ(call("GET", "/api/v1/accounts", {}, "", {{"authorization", "bearer " + admin_key_}}).status,
            200);
  EXPECT_EQ(call("GET", "/api/v1/accounts", {}, acme_key_).status, 200);
  ASSERT_TRUE(store().revoke_api_key("acme-ops").ok());
  Answer a = call("GET", "/api/v1/accounts", {}, acme_key_);
  EXPECT_EQ(a.status, 401);
  EXPECT_EQ(a.response.body.find(acme_key_), std::string::npos);
}

TEST_F(AuthTest, UseIsRecordedAtMostOncePerMinute) {
  auto last_used = [&] {
    for (const auto& k : store().list_api_keys(std::nullopt))
      if (k.name == "root") return k.last_used_at;
    return Millis{-1};
  };
  EXPECT_EQ(last_used(), 0);
  call("GET", "/api/v1/accounts");
  const Millis first = clock_.now_ms();
  EXPECT_EQ(last_used(), first);
  clock_.advance(30'000);
  call("GET", "/api/v1/accounts");
  EXPECT_EQ(last_used(), first);
  clock_.advance(31'000);
  call("GET", "/api/v1/accounts");
  EXPECT_EQ(last_used(), clock_.now_ms());
}

TEST_F(AuthTest, LoginSetsAHardenedCookieAndReturnsTheSession) {
  Answer a = login(acme_key_);
  ASSERT_EQ(a.status, 200) << a.response.body;
  EXPECT_EQ(a.json["name"], "acme-ops");
  EXPECT_EQ(a.json["account"], "acme");
  EXPECT_EQ(a.json["admin"], false);
  const std::string csrf = a.json["csrf_token"];
  EXPECT_EQ(csrf.size(), 43u);
  std::string set = a.header("Set-Cookie");
  EXPECT_EQ(set.rfind("postern_session=", 0), 0u) << set;
  for (const char* attr : {"; HttpOnly", "; SameSite=Strict", "; Path=/", "; Max-Age=43200"})
    EXPECT_NE(set.find(attr), std::string::npos) << attr;
  const std::string cookie = cookie_value(a);
  EXPECT_EQ(cookie.size(), 43u);
  EXPECT_EQ(a.response.body.find(cookie), std::string::npos);  // only in the cookie
  EXPECT_EQ(a.response.body.find(acme_key_), std::string::npos);

  Answer me = with_cookie("GET", "/api/v1/session", cookie);
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.json, a.json);
  Answer admin = login(admin_key_);
  EXPECT_EQ(admin.json["admin"], true);
  EXPECT_TRUE(admin.json["account"].is_null());
}

TEST_F(AuthTest, BadLoginsAre401And4xx) {
  EXPECT_EQ(login("pk_" + std::string(43, 'x')).status, 401);
  EXPECT_EQ(login("nope").status, 401);
  EXPECT_EQ(call("POST", "/api/v1/session", nlohmann::json{{"key", 5}}, "").status, 400);
  EXPECT_EQ(call("POST", "/api/v1/session", nlohmann::json::object(), "").status, 422);
  EXPECT_EQ(call("GET", "/api/v1/session", {}, "").status, 401);
  // A Bearer key is not a session.
  EXPECT_EQ(call("GET", "/api/v1/session").status, 401);
  EXPECT_EQ(with_cookie("GET", "/api/v1/accounts", "forged").status, 401);
}

TEST_F(AuthTest, CookieWritesNeedTheCsrfToken) {
  Answer a = login(acme_key_);
  const std::string cookie = cookie_value(a);
  const std::string csrf = a.json["csrf_token"];
  nlohmann::json body = {{"account", "acme"}, {"address", "x@example.org"}};
  EXPECT_EQ(with_cookie("GET", "/api/v1/suppressions", cookie).status, 200);
  EXPECT_EQ(with_cookie("HEAD", "/api/v1/suppressions", cookie).status, 200);
  Answer missing = with_cookie("POST", "/api/v1/suppressions", cookie, body);
  EXPECT_EQ(missing.status, 403);
  EXPECT_NE(missing.json["error"].get<std::string>().find("CSRF"), std::string::npos);
  EXPECT_EQ(with_cookie("POST", "/api/v1/suppressions", cookie, body, csrf + "x").status, 403);
  EXPECT_EQ(with_cookie("DELETE", "/api/v1/session", cookie).status, 403);
  EXPECT_EQ(store().list_suppressions("acme")->size(), 0u);
  EXPECT_EQ(with_cookie("POST", "/api/v1/suppressions", cookie, body, csrf).status, 201);
  // The session carries the key's rights: another account is still 403.
  EXPECT_EQ(with_cookie("GET", "/api/v1/suppressions?account=globex", cookie).status, 403);
}

TEST_F(AuthTest, LogoutEndsTheSession) {
  Answer a = login(admin_key_);
  const std::string cookie = cookie_value(a);
  Answer out = with_cookie("DELETE", "/api/v1/session", cookie, {}, a.json["csrf_token"]);
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(out.header("Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(with_cookie("GET", "/api/v1/session", cookie).status, 401);
  EXPECT_EQ(with_cookie("GET", "/api/v1/accounts", cookie).status, 401);
}

TEST_F(AuthTest, RevokingTheKeyEndsItsSessions) {
  Answer a = login(acme_key_);
  const std::string cookie = cookie_value(a);
  EXPECT_EQ(with_cookie("GET", "/api/v1/accounts", cookie).status, 200);
  EXPECT_EQ(call("DELETE", "/api/v1/apikeys/acme-ops").status, 204);
  EXPECT_EQ(with_cookie("GET", "/api/v1/accounts", cookie).status, 401);
  // A new key of the same name does not revive the old session.
  add_key("acme-ops", "acme");
  EXPECT_EQ(with_cookie("GET", "/api/v1/accounts", cookie).status, 401);
}

TEST_F(AuthTest, SessionsExpireAfterTwelveHours) {
  const std::string cookie = cookie_value(login(admin_key_));
  clock_.advance(kSessionLifetimeMs - 1000);
  EXPECT_EQ(with_cookie("GET", "/api/v1/session", cookie).status, 200);
  clock_.advance(2000);
  EXPECT_EQ(with_cookie("GET", "/api/v1/session", cookie).status, 401);
}

TEST(SessionStoreTest, IsBoundedAndDropsTheOldest) {
  ManualClock clock;
  SessionStore sessions(clock, 3);
  storage::ApiKey key;
  key.id = 1;
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(sessions.create(key).id);
    clock.advance(1000);
  }
  EXPECT_EQ(sessions.size(), 3u);
  EXPECT_FALSE(sessions.find(ids[0]));
  EXPECT_FALSE(sessions.find(ids[1]));
  EXPECT_TRUE(sessions.find(ids[4]));
  EXPECT_NE(sessions.find(ids[4])->csrf_token, ids[4]);
}

}  // namespace
}  // namespace postern::api::testing
