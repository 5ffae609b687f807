#include "http/router.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace postern::http {
namespace {

Request request(std::string method, std::string path) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.target = r.path;
  return r;
}

Handler named(std::string name) {
  return [name](const Request&, const Params& params) {
    Response r;
    r.body = name;
    for (const auto& [k, v] : params) r.body += " " + k + "=" + v;
    return r;
  };
}

std::string header(const Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.add("GET", "/api/v1/smtp-users", named("list"));
    router.add("POST", "/api/v1/smtp-users", named("create"));
    router.add("GET", "/api/v1/smtp-users/{username}", named("get"));
    router.add("DELETE", "/api/v1/smtp-users/{username}", named("delete"));
    router.add("POST", "/api/v1/smtp-users/{username}/password", named("password"));
    router.add("GET", "/api/v1/accounts/{account}/users/{username}", named("nested"));
    router.add("GET", "/api/v1/smtp-users/export", named("export"));
    router.add("GET", "/", named("root"));
  }
  Router router;
};

TEST_F(RouterTest, LiteralRoutes) {
  EXPECT_EQ(router.dispatch(request("GET", "/api/v1/smtp-users")).body, "list");
  EXPECT_EQ(router.dispatch(request("POST", "/api/v1/smtp-users")).body, "create");
  EXPECT_EQ(router.dispatch(request("GET", "/")).body, "root");
}

TEST_F(RouterTest, Captures) {
  auto r = router.dispatch(request("POST", "/api/v1/smtp-users/alice/password"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "password username=alice");
  EXPECT_EQ(router.dispatch(request("GET", "/api/v1/accounts/acme/users/bob")).body,
            "nested account=acme username=bob");
  // The path is already percent-decoded by parse_target: captures carry the decoded text.
  EXPECT_EQ(router.dispatch(request("GET", "/api/v1/smtp-users/j\xC3\xB6rg x")).body,
            "get username=j\xC3\xB6rg x");
}

TEST_F(RouterTest, LiteralBeatsCapture) {
  EXPECT_EQ(router.dispatch(request("GET", "/api/v1/smtp-users/export")).body, "export");
  EXPECT_EQ(router.dispatch(request("DELETE", "/api/v1/smtp-users/export")).body,
            "delete username=export");
}

TEST_F(RouterTest, CaptureNeedsANonEmptySegment) {
  auto r = router.dispatch(request("POST", "/api/v1/smtp-users//password"));
  EXPECT_EQ(r.status, 404);
}

TEST_F(RouterTest, TrailingSlashTolerated) {
  EXPECT_EQ(router.dispatch(request("GET", "/api/v1/smtp-users/")).body, "list");
  EXPECT_EQ(router.dispatch(request("GET", "/api/v1/smtp-users/alice/")).body,
            "get username=alice");
  EXPECT_EQ(router.dispatch(request("GET", "/api/v1/smtp-users//")).status, 404);
}

TEST_F(RouterTest, NotFound) {
  for (auto path : {"/api/v1/nothing", "/api/v1/smtp-users/a/b/c", "/api", "/api/v1/smtp-usersx"}) {
    auto r = router.dispatch(request("GET", path));
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body, R"({"error":"no such route"})");
    EXPECT_EQ(r.content_type, "application/json");
  }
}

TEST_F(RouterTest, MethodNotAllowedListsAllow) {
  auto r = router.dispatch(request("PUT", "/api/v1/smtp-users"));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.body, R"({"error":"method not allowed"})");
  EXPECT_EQ(header(r, "Allow"), "GET, HEAD, POST");
  auto p = router.dispatch(request("GET", "/api/v1/smtp-users/alice/password"));
  EXPECT_EQ(p.status, 405);
  EXPECT_EQ(header(p, "Allow"), "POST");
}

TEST_F(RouterTest, HeadFallsBackToGet) {
  auto r = router.dispatch(request("HEAD", "/api/v1/smtp-users/alice"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "get username=alice");  // the server drops the body
  EXPECT_EQ(router.dispatch(request("HEAD", "/api/v1/smtp-users/alice/password")).status, 405);
}

TEST_F(RouterTest, ExplicitHeadRouteWins) {
  router.add("HEAD", "/api/v1/smtp-users", named("head"));
  EXPECT_EQ(router.dispatch(request("HEAD", "/api/v1/smtp-users")).body, "head");
}

TEST_F(RouterTest, MethodsAreCaseSensitive) {
  EXPECT_EQ(router.dispatch(request("get", "/api/v1/smtp-users")).status, 405);
}

TEST_F(RouterTest, RoutesListsRegistrations) {
  auto routes = router.routes();
  ASSERT_EQ(routes.size(), 8u);
  EXPECT_EQ(routes[0].method, "GET");
  EXPECT_EQ(routes[0].pattern, "/api/v1/smtp-users");
  EXPECT_EQ(routes[4].method, "POST");
  EXPECT_EQ(routes[4].pattern, "/api/v1/smtp-users/{username}/password");
}

TEST_F(RouterTest, HandlerExceptionsPropagate) {
  router.add("GET", "/boom", [](const Request&, const Params&) -> Response {
    throw std::runtime_error("boom");
  });
  EXPECT_THROW(router.dispatch(request("GET", "/boom")), std::runtime_error);
}

}  // namespace
}  // namespace postern::http
