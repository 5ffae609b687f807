// Bad input: 400 (not JSON, wrong types), 422 (invalid values, unknown or missing fields),
// 404 (unknown objects and routes), 405, 409 (duplicates), 413 (too large).
#include "api/api_test_support.h"

namespace postern::api::testing {
namespace {

using nlohmann::json;

class ValidationTest : public ApiTest {
 protected:
  std::string error_of(const Answer& a) {
    return a.json.contains("error") ? a.json["error"].get<std::string>() : "<no error field>";
  }
  Answer raw(const std::string& method, const std::string& target, const std::string& body) {
    return send(make_request(method, target, body, {{"authorization", "Bearer " + admin_key_}}));
  }
};

TEST_F(ValidationTest, MalformedBodiesAre400) {
  for (const char* body : {"{", "not json", "[1,2]", "\"text\"", "42", ""}) {
    Answer a = raw("POST", "/api/v1/accounts", body);
    EXPECT_EQ(a.status, 400) << body;
    EXPECT_FALSE(error_of(a).empty());
  }
  EXPECT_EQ(call("POST", "/api/v1/accounts", json{{"name", 42}}).status, 400);
  EXPECT_EQ(call("POST", "/api/v1/smtp-users",
                 json{{"account", "acme"}, {"username", "a"}, {"quota", "ten"}}).status, 400);
  EXPECT_EQ(call("POST", "/api/v1/smtp-users",
                 json{{"account", "acme"}, {"username", "a"}, {"allow_ips", "10.0.0.0/8"}}).status, 400);
  EXPECT_EQ(call("POST", "/api/v1/smtp-users",
                 json{{"account", "acme"}, {"username", "a"}, {"domains", {1, 2}}}).status, 400);
  EXPECT_FALSE(store().find_user("a"));
}

TEST_F(ValidationTest, InvalidValuesAre422WithTheFieldNamed) {
  Answer at = call("POST", "/api/v1/smtp-users",
                   json{{"account", "acme"}, {"username", "crm@example.com"}});
  EXPECT_EQ(at.status, 422);
  EXPECT_NE(error_of(at).find("not email addresses"), std::string::npos) << error_of(at);
  EXPECT_NE(error_of(at).find("crm-example-com"), std::string::npos) << error_of(at);

  struct Case {
    json body;
    std::string words;
  };
  const json base = {{"account", "acme"}, {"username", "app"}};
  std::vector<Case> cases = {
      {{{"mode", "sometimes"}}, "mode"},
      {{{"allow_ip_mode", "maybe"}}, "allow_ip_mode"},
      {{{"quota_period", "week"}}, "quota_period"},
      {{{"quota_action", "explode"}}, "quota_action"},
      {{{"quota", -1}}, "quota"},
      {{{"rate", "fast"}}, "rate"},
      {{{"allow_ips", {"10.0.0.300"}}}, "10.0.0.300"},
      {{{"domains", {"not a domain"}}}, "domain"},
      {{{"password", "short"}}, "8 to 256"},
      {{{"colour", "blue"}}, "unknown field 'colour'"},
  };
  for (const auto& c : cases) {
    json body = base;
    body.update(c.body);
    Answer a = call("POST", "/api/v1/smtp-users", body);
    EXPECT_EQ(a.status, 422) << body.dump();
    EXPECT_NE(error_of(a).find(c.words), std::string::npos) << error_of(a);
    EXPECT_EQ(a.response.body.find("short\""), std::string::npos);  // never the password
  }
  EXPECT_FALSE(store().find_user("app"));
  EXPECT_EQ(call("POST", "/api/v1/smtp-users", json{{"account", "acme"}}).status, 422);
  EXPECT_EQ(call("POST", "/api/v1/smtp-users", json{{"username", "app"}}).status, 422);
  EXPECT_EQ(call("POST", "/api/v1/accounts", json{{"name", "Bad Name!"}}).status, 422);
  EXPECT_EQ(call("POST", "/api/v1/domains", json{{"account", "acme"}, {"domain", "localhost"}}).status, 422);
  EXPECT_EQ(call("POST", "/api/v1/domains",
                 json{{"account", "acme"}, {"domain", "a.example"}, {"algorithms", {"dsa"}}}).status, 422);
  EXPECT_EQ(call("POST", "/api/v1/suppressions", json{{"account", "acme"}, {"address", "nope"}}).status, 422);
  EXPECT_EQ(call("POST", "/api/v1/webhooks", json{{"url", "ftp://x"}, {"events", {"delivered"}}}).status, 422);
  EXPECT_EQ(call("POST", "/api/v1/webhooks", json{{"url", "http://x.example/"}, {"events", {"lunch"}}}).status, 422);
  EXPECT_EQ(call("POST", "/api/v1/webhooks", json{{"url", "http://x.example/"}, {"events", json::array()}}).status, 422);
  EXPECT_EQ(call("POST", "/api/v1/apikeys", json{{"name", "has space"}}).status, 422);
  EXPECT_EQ(call("GET", "/api/v1/stats/hourly?hours=0").status, 422);
  EXPECT_EQ(call("GET", "/api/v1/stats/hourly?hours=169").status, 422);
  EXPECT_EQ(call("GET", "/api/v1/stats/hourly?hours=abc").status, 422);
  EXPECT_EQ(call("GET", "/api/v1/logs/auth?result=maybe").status, 422);
  EXPECT_EQ(call("GET", "/api/v1/logs/auth?since=yesterday").status, 422);
  EXPECT_EQ(call("GET", "/api/v1/logs/auth?limit=0").status, 422);
  EXPECT_EQ(call("GET", "/api/v1/logs/messages?status=lost").status, 422);
  EXPECT_EQ(call("GET", "/api/v1/suppressions").status, 422);  // admin: ?account= required
  EXPECT_EQ(call("DELETE", "/api/v1/webhooks").status, 422);
  EXPECT_EQ(call("GET", "/api/v1/smtp-users?account=Bad!").status, 422);
}

TEST_F(ValidationTest, PatchChecksItsFields) {
  add_user("acme", "app");
  EXPECT_EQ(call("PATCH", "/api/v1/smtp-users/app", json{{"status", "deleted"}}).status, 422);
  EXPECT_EQ(call("PATCH", "/api/v1/smtp-users/app", json{{"password", "x1234567890"}}).status, 422);
  EXPECT_EQ(call("PATCH", "/api/v1/smtp-users/app", json{{"account", "globex"}}).status, 422);
  EXPECT_EQ(call("PATCH", "/api/v1/smtp-users/app", json{{"username", "a@b"}}).status, 422);
  EXPECT_EQ(call("PATCH", "/api/v1/smtp-users/app", json{{"mode", "any"}, {"quota", -5}}).status, 422);
  EXPECT_EQ(store().find_user("app")->mode, "assigned");  // all or nothing
  EXPECT_EQ(store().find_user("app")->version, 1);
  EXPECT_EQ(call("POST", "/api/v1/smtp-users/app/password", json{{"grace", "soon"}}).status, 422);
}

TEST_F(ValidationTest, UnknownObjectsAre404) {
  for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/api/v1/accounts/nobody"},
           {"POST", "/api/v1/accounts/nobody/suspend"},
           {"GET", "/api/v1/smtp-users/nobody"},
           {"PATCH", "/api/v1/smtp-users/nobody"},
           {"DELETE", "/api/v1/smtp-users/nobody"},
           {"POST", "/api/v1/smtp-users/nobody/password"},
           {"GET", "/api/v1/smtp-users?account=nobody"},
           {"GET", "/api/v1/domains/none.example"},
           {"POST", "/api/v1/domains/none.example/verify"},
           {"DELETE", "/api/v1/domains/none.example"},
           {"GET", "/api/v1/messages/0000000000AAAAAAAA"},
           {"POST", "/api/v1/queue/0000000000AAAAAAAA/retry"},
           {"DELETE", "/api/v1/queue/0000000000AAAAAAAA"},
           {"DELETE", "/api/v1/suppressions?account=acme&address=x@example.org"},
           {"DELETE", "/api/v1/webhooks/999"},
           {"DELETE", "/api/v1/webhooks/abc"},
           {"DELETE", "/api/v1/webhooks?id=999"},
           {"GET", "/api/v1/webhooks/999/deliveries"},
           {"POST", "/api/v1/webhooks/999/deliveries/1/redeliver"},
           {"DELETE", "/api/v1/apikeys/nokey"},
           {"GET", "/api/v1/nothing-here"},
           {"GET", "/api/v1/accounts/acme/extra/segments"},
       }) {
    Answer a = call(method, target, json::object());
    EXPECT_EQ(a.status, 404) << method << ' ' << target << ": " << a.response.body;
    EXPECT_EQ(a.response.content_type, "application/json") << target;
    EXPECT_TRUE(a.json.contains("error")) << target;
  }
  EXPECT_EQ(call("POST", "/api/v1/smtp-users", json{{"account", "nobody"}, {"username", "x"}}).status, 404);
  // A delivery of another webhook is not this webhook's.
  auto h1 = add_webhook("acme");
  auto h2 = add_webhook("acme");
  add_delivery(h2.id, "dead");
  EXPECT_EQ(call("POST", "/api/v1/webhooks/" + std::to_string(h1.id) + "/deliveries/" +
                     std::to_string(first_delivery_id(h2.id)) + "/redeliver").status, 404);
}

TEST_F(ValidationTest, DeletedUsersCannotBeChanged) {
  add_user("acme", "app");
  EXPECT_EQ(call("DELETE", "/api/v1/smtp-users/app").status, 204);
  EXPECT_EQ(call("DELETE", "/api/v1/smtp-users/app").status, 404);
  EXPECT_EQ(call("PATCH", "/api/v1/smtp-users/app", json{{"mode", "any"}}).status, 404);
  Answer shown = call("GET", "/api/v1/smtp-users/app");
  EXPECT_EQ(shown.status, 200);
  EXPECT_EQ(shown.json["status"], "deleted");
}

TEST_F(ValidationTest, DuplicatesAre409) {
  EXPECT_EQ(call("POST", "/api/v1/accounts", json{{"name", "ACME"}}).status, 409);
  add_user("globex", "app");
  Answer user = call("POST", "/api/v1/smtp-users", json{{"account", "acme"}, {"username", "App"}});
  EXPECT_EQ(user.status, 409);
  add_user("acme", "other");
  EXPECT_EQ(call("PATCH", "/api/v1/smtp-users/other", json{{"username", "app"}}).status, 409);
  add_domain("globex", "taken.example");
  Answer d = call("POST", "/api/v1/domains", json{{"account", "acme"}, {"domain", "taken.example"}},
                  acme_key_);
  EXPECT_EQ(d.status, 409);
  EXPECT_EQ(error_of(d).find("globex"), std::string::npos);  // not who owns it
  EXPECT_EQ(call("POST", "/api/v1/apikeys", json{{"name", "root"}}).status, 409);
}

TEST_F(ValidationTest, DeeplyNestedJsonIsRefusedWithoutCrashing) {
  const std::string deep = std::string(400000, '[') + std::string(400000, ']');
  EXPECT_EQ(raw("POST", "/api/v1/accounts", deep).status, 400);
  const std::string deep_field = "{\"name\":" + std::string(200000, '[') + std::string(200000, ']') + "}";
  EXPECT_EQ(raw("POST", "/api/v1/accounts", deep_field).status, 400);
}

TEST_F(ValidationTest, MethodsAndSizes) {
  Answer a = call("PUT", "/api/v1/accounts", json::object());
  EXPECT_EQ(a.status, 405);
  EXPECT_FALSE(a.header("Allow").empty());
  Answer big = raw("POST", "/api/v1/accounts", "{\"name\":\"" + std::string(1 << 20, 'a') + "\"}");
  EXPECT_EQ(big.status, 413);
  EXPECT_TRUE(big.json.contains("error"));
}

}  // namespace
}  // namespace postern::api::testing
