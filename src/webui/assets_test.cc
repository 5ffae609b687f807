#include "webui/assets.h"

#include <gtest/gtest.h>

#include <string>

namespace postern::webui {
namespace {

TEST(Assets, IndexIsServedAtTheRoot) {
  for (const char* path : {"/", "/index.html", "/?x=1"}) {
    const Asset* a = find_asset(path);
    ASSERT_NE(a, nullptr) << path;
    EXPECT_EQ(a->content_type, "text/html; charset=utf-8");
    EXPECT_NE(a->body.find("<!doctype html>"), std::string_view::npos);
    EXPECT_NE(a->body.find("/assets/app.js"), std::string_view::npos);
  }
}

TEST(Assets, ScriptsAndStylesHaveTheirContentTypes) {
  const Asset* js = find_asset("/assets/app.js");
  ASSERT_NE(js, nullptr);
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_NE(js->body.find("import"), std::string_view::npos);
  const Asset* view = find_asset("/assets/views/users.js");
  ASSERT_NE(view, nullptr);
  EXPECT_EQ(view->content_type, "text/javascript; charset=utf-8");
  const Asset* css = find_asset("/assets/app.css");
  ASSERT_NE(css, nullptr);
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
  const Asset* icon = find_asset("/assets/favicon.svg");
  ASSERT_NE(icon, nullptr);
  EXPECT_EQ(icon->content_type, "image/svg+xml");
}

TEST(Assets, BodiesAreTheExactBytes) {
  const Asset* a = find_asset("/assets/index.html");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->body, find_asset("/")->body);
  EXPECT_TRUE(a->body.ends_with("</html>\n"));
}

// Every reason and hint of the auth log (interface.md "Auth log") has a plain-language
// explanation in the dashboard's "Why did this login fail?" panel.
TEST(Assets, EveryAuthReasonAndHintIsExplained) {
  const Asset* explain = find_asset("/assets/explain.js");
  ASSERT_NE(explain, nullptr);
  for (const char* reason :
       {"ok", "previous_password", "unknown_user", "bad_password", "stale_password",
        "user_disabled", "user_deleted", "account_suspended", "ip_not_allowed",
        "mechanism_unsupported", "tls_required", "malformed", "cancelled", "throttled",
        "internal_error"}) {
    EXPECT_NE(explain->body.find("\n  " + std::string(reason) + ": {"), std::string_view::npos)
        << reason;
  }
  for (const char* hint : {"username_has_at", "leading_whitespace", "trailing_whitespace"})
    EXPECT_NE(explain->body.find("\n  " + std::string(hint) + ": '"), std::string_view::npos) << hint;
}

TEST(Assets, UnknownPathsAreNotAssets) {
  for (const char* path : {"", "/app.js", "/assets/", "/assets/nope.js", "/assets/../app.js",
                           "/assets//app.js", "/assets/app.js/", "/api/v1/session",
                           "/assets/APP.JS", "index.html", "/assets/views"}) {
    EXPECT_EQ(find_asset(path), nullptr) << path;
  }
}

}  // namespace
}  // namespace postern::webui
