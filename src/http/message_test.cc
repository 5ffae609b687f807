#include "http/message.h"

#include <gtest/gtest.h>

namespace postern::http {
namespace {

struct Target {
  bool ok;
  std::string path;
  std::map<std::string, std::string> query;
};

Target parse(std::string_view target) {
  Target t;
  t.ok = parse_target(target, t.path, t.query);
  return t;
}

TEST(ParseTarget, PathAndQuery) {
  auto t = parse("/api/v1/smtp-users?account=acme&limit=10");
  ASSERT_TRUE(t.ok);
  EXPECT_EQ(t.path, "/api/v1/smtp-users");
  EXPECT_EQ(t.query.size(), 2u);
  EXPECT_EQ(t.query["account"], "acme");
  EXPECT_EQ(t.query["limit"], "10");
}

TEST(ParseTarget, PercentDecodingPathKeepsPlus) {
  auto t = parse("/users/j%C3%B6rg+x%20y");
  ASSERT_TRUE(t.ok);
  EXPECT_EQ(t.path, "/users/j\xC3\xB6rg+x y");
}

TEST(ParseTarget, QueryPlusIsSpaceAndEncodedDelimiters) {
  auto t = parse("/s?q=a+b%2Bc&k%3D=%26v");
  ASSERT_TRUE(t.ok);
  EXPECT_EQ(t.query["q"], "a b+c");
  EXPECT_EQ(t.query["k="], "&v");
}

TEST(ParseTarget, QueryEdgeCases) {
  auto t = parse("/p?a=1&a=2&&flag&=empty-key&b=");
  ASSERT_TRUE(t.ok);
  EXPECT_EQ(t.query["a"], "2");  // last one wins
  EXPECT_EQ(t.query.count("flag"), 1u);
  EXPECT_EQ(t.query["flag"], "");
  EXPECT_EQ(t.query[""], "empty-key");
  EXPECT_EQ(t.query["b"], "");
  auto empty = parse("/p?");
  ASSERT_TRUE(empty.ok);
  EXPECT_EQ(empty.path, "/p");
  EXPECT_TRUE(empty.query.empty());
}

TEST(ParseTarget, RootAndTrailingSlash) {
  EXPECT_EQ(parse("/").path, "/");
  EXPECT_EQ(parse("/a/b/").path, "/a/b/");
}

TEST(ParseTarget, RefusesNonOriginForms) {
  EXPECT_FALSE(parse("").ok);
  EXPECT_FALSE(parse("*").ok);
  EXPECT_FALSE(parse("http://example.com/x").ok);
  EXPECT_FALSE(parse("example.com:443").ok);
  EXPECT_FALSE(parse("api/v1").ok);
}

TEST(ParseTarget, RefusesBadBytesAndFragments) {
  EXPECT_FALSE(parse("/a b").ok);
  EXPECT_FALSE(parse(std::string_view("/a\0b", 4)).ok);
  EXPECT_FALSE(parse("/a\tb").ok);
  EXPECT_FALSE(parse("/a\x7f").ok);
  EXPECT_FALSE(parse("/caf\xC3\xA9").ok);
  EXPECT_FALSE(parse("/a#frag").ok);
}

TEST(ParseTarget, RefusesBadPercentEncoding) {
  EXPECT_FALSE(parse("/a%").ok);
  EXPECT_FALSE(parse("/a%4").ok);
  EXPECT_FALSE(parse("/a%zz").ok);
  EXPECT_FALSE(parse("/a?q=%g1").ok);
  EXPECT_FALSE(parse("/a?%=1").ok);
}

TEST(ParseTarget, RefusesNul) {
  EXPECT_FALSE(parse("/a%00b").ok);
  EXPECT_FALSE(parse("/a?q=%00").ok);
  EXPECT_FALSE(parse("/a?%00=1").ok);
}

TEST(ParseTarget, RefusesDotDotSegments) {
  EXPECT_FALSE(parse("/..").ok);
  EXPECT_FALSE(parse("/a/../b").ok);
  EXPECT_FALSE(parse("/a/..").ok);
  EXPECT_FALSE(parse("/a/%2e%2e/b").ok);
  EXPECT_FALSE(parse("/a/.%2E").ok);
  EXPECT_FALSE(parse("/a%2F..%2Fb").ok);
  // Dots inside a segment are ordinary names; ".." in the query is data.
  EXPECT_TRUE(parse("/a/..b/c.d/...").ok);
  EXPECT_TRUE(parse("/a?path=../x").ok);
}

TEST(ParseTarget, FailureLeavesOutputsEmpty) {
  std::string path = "old";
  std::map<std::string, std::string> query{{"old", "1"}};
  EXPECT_FALSE(parse_target("/a?q=%zz", path, query));
  EXPECT_TRUE(path.empty());
  EXPECT_TRUE(query.empty());
}

TEST(PercentDecode, Basics) {
  bool ok = false;
  EXPECT_EQ(percent_decode("a%41%62+c", false, ok), "aAb+c");
  EXPECT_TRUE(ok);
  EXPECT_EQ(percent_decode("a%41%62+c", true, ok), "aAb c");
  EXPECT_TRUE(ok);
  EXPECT_EQ(percent_decode("", true, ok), "");
  EXPECT_TRUE(ok);
  EXPECT_EQ(percent_decode("%ff%FF", false, ok), "\xff\xff");
  EXPECT_TRUE(ok);
  percent_decode("100%", false, ok);
  EXPECT_FALSE(ok);
  percent_decode("%2", false, ok);
  EXPECT_FALSE(ok);
  percent_decode("%-1", false, ok);
  EXPECT_FALSE(ok);
}

Request with_cookie(std::string value) {
  Request r;
  r.headers["cookie"] = std::move(value);
  return r;
}

TEST(Cookie, FindsByExactName) {
  auto r = with_cookie("theme=dark; postern_session=abc123; lang=en");
  EXPECT_EQ(r.cookie("postern_session"), "abc123");
  EXPECT_EQ(r.cookie("theme"), "dark");
  EXPECT_EQ(r.cookie("lang"), "en");
  EXPECT_EQ(r.cookie("Theme"), std::nullopt);  // names are case-sensitive
  EXPECT_EQ(r.cookie("session"), std::nullopt);
  EXPECT_EQ(r.cookie(""), std::nullopt);
}

TEST(Cookie, LenientSpacingQuotesAndJunk) {
  auto r = with_cookie(" a = 1 ;b=\"quoted\";;noequals; c=x=y ; d=");
  EXPECT_EQ(r.cookie("a"), "1");
  EXPECT_EQ(r.cookie("b"), "quoted");
  EXPECT_EQ(r.cookie("noequals"), std::nullopt);
  EXPECT_EQ(r.cookie("c"), "x=y");
  EXPECT_EQ(r.cookie("d"), "");
}

TEST(Cookie, FirstOfSeveralWinsAndNoHeader) {
  EXPECT_EQ(with_cookie("s=first; s=second").cookie("s"), "first");
  Request none;
  EXPECT_EQ(none.cookie("s"), std::nullopt);
}

TEST(Header, ByLowerCaseName) {
  Request r;
  r.headers["content-type"] = "application/json";
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.header("x-missing"), "");
}

TEST(ReasonPhrase, KnownAndUnknown) {
  EXPECT_EQ(reason_phrase(200), "OK");
  EXPECT_EQ(reason_phrase(404), "Not Found");
  EXPECT_EQ(reason_phrase(413), "Content Too Large");
  EXPECT_EQ(reason_phrase(422), "Unprocessable Content");
  EXPECT_EQ(reason_phrase(503), "Service Unavailable");
  EXPECT_EQ(reason_phrase(499), "Client Error");
  EXPECT_EQ(reason_phrase(299), "Success");
}

}  // namespace
}  // namespace postern::http
