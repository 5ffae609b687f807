#include "mail/address.h"

#include <gtest/gtest.h>

namespace postern::mail {
namespace {

Address ok_path(std::string_view p, PathOptions o = {}) {
  auto r = parse_path(p, o);
  EXPECT_TRUE(r.ok()) << p << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : Address{};
}
bool bad_path(std::string_view p, PathOptions o = {}) { return !parse_path(p, o).ok(); }

TEST(Address, SimplePath) {
  auto a = ok_path("<alice@example.com>");
  EXPECT_EQ(a.local, "alice");
  EXPECT_EQ(a.domain, "example.com");
  EXPECT_EQ(a.str(), "alice@example.com");
  EXPECT_FALSE(a.is_null());
}

TEST(Address, DotStringAtext) {
  EXPECT_EQ(ok_path("<a.b+tag!#$%&'*/=?^_`{|}~-@x.org>").local, "a.b+tag!#$%&'*/=?^_`{|}~-");
  EXPECT_TRUE(bad_path("<.a@x.org>"));
  EXPECT_TRUE(bad_path("<a.@x.org>"));
  EXPECT_TRUE(bad_path("<a..b@x.org>"));
  EXPECT_TRUE(bad_path("<a b@x.org>"));
  EXPECT_TRUE(bad_path("<a(b)@x.org>"));
  EXPECT_TRUE(bad_path("<a@b@x.org>"));
}

TEST(Address, QuotedLocalPartKeptInWireForm) {
  auto a = ok_path("<\"john doe\"@example.com>");
  EXPECT_EQ(a.local, "\"john doe\"");
  EXPECT_EQ(a.str(), "\"john doe\"@example.com");
  EXPECT_EQ(ok_path("<\"a\\\"b@c\"@x.org>").local, "\"a\\\"b@c\"");
  EXPECT_EQ(ok_path("<\"\"@x.org>").local, "\"\"");
  EXPECT_TRUE(bad_path("<\"unterminated@x.org>"));
  EXPECT_TRUE(bad_path("<\"a\"b@x.org>"));
  EXPECT_TRUE(bad_path(std::string_view("<\"a\x01\"@x.org>")));
  EXPECT_TRUE(bad_path("<\"a\\\x7f\"@x.org>"));
}

TEST(Address, NullPathOnlyWhenAllowed) {
  EXPECT_TRUE(ok_path("<>", {.allow_null = true}).is_null());
  EXPECT_EQ(ok_path("<>", {.allow_null = true}).str(), "");
  EXPECT_TRUE(bad_path("<>"));
}

TEST(Address, SourceRouteDiscarded) {
  auto a = ok_path("<@relay1.example,@relay2.example:bob@example.net>");
  EXPECT_EQ(a.str(), "bob@example.net");
  EXPECT_TRUE(bad_path("<@relay1.example bob@example.net>"));
  EXPECT_TRUE(bad_path("<@:bob@example.net>"));
  EXPECT_TRUE(bad_path("<@a,,@b:bob@example.net>"));
  EXPECT_TRUE(bad_path("<@a:>"));
}

TEST(Address, Domains) {
  EXPECT_EQ(ok_path("<a@localhost>").domain, "localhost");
  EXPECT_EQ(ok_path("<a@Mail-1.Example.COM>").domain, "Mail-1.Example.COM");
  EXPECT_TRUE(bad_path("<a@>"));
  EXPECT_TRUE(bad_path("<a@-x.org>"));
  EXPECT_TRUE(bad_path("<a@x-.org>"));
  EXPECT_TRUE(bad_path("<a@x..org>"));
  EXPECT_TRUE(bad_path("<a@x.org.>"));
  EXPECT_TRUE(bad_path("<a@x_y.org>"));
  EXPECT_TRUE(bad_path("<a@" + std::string(64, 'l') + ".org>"));
  EXPECT_FALSE(bad_path("<a@" + std::string(63, 'l') + ".org>"));
}

TEST(Address, AddressLiterals) {
  EXPECT_EQ(ok_path("<a@[192.0.2.1]>").domain, "[192.0.2.1]");
  EXPECT_EQ(ok_path("<a@[IPv6:2001:db8::1]>").domain, "[IPv6:2001:db8::1]");
  EXPECT_EQ(ok_path("<a@[ipv6:::ffff:192.0.2.1]>").domain, "[ipv6:::ffff:192.0.2.1]");
  EXPECT_TRUE(bad_path("<a@[192.0.2.256]>"));
  EXPECT_TRUE(bad_path("<a@[192.0.2]>"));
  EXPECT_TRUE(bad_path("<a@[192.0.2.1.5]>"));
  EXPECT_TRUE(bad_path("<a@[0192.0.2.1]>"));
  EXPECT_TRUE(bad_path("<a@[IPv6:2001:db8::g]>"));
  EXPECT_TRUE(bad_path("<a@[x-tag:foo]>"));
  EXPECT_TRUE(bad_path("<a@[192.0.2.1>"));
  EXPECT_TRUE(bad_path("<a@[]>"));
  EXPECT_TRUE(bad_path(std::string("<a@[IPv6:200:db8::") + '\0' + "\xbf" "1]>"));  // fuzz
}

TEST(Address, Lengths) {
  std::string local64(64, 'l');
  EXPECT_FALSE(bad_path("<" + local64 + "@x.org>"));
  EXPECT_TRUE(bad_path("<" + local64 + "l@x.org>"));
  // 256 octets in all, brackets included (RFC 5321 §4.5.3.1.3).
  std::string domain = std::string(63, 'a') + "." + std::string(63, 'b') + "." +
                       std::string(63, 'c') + "." + std::string(57, 'd');  // 249
  std::string path = "<abcd@" + domain + ">";
  ASSERT_EQ(path.size(), 256u);
  EXPECT_FALSE(bad_path(path));
  EXPECT_TRUE(bad_path("<abcde@" + domain + ">"));
}

TEST(Address, Utf8OnlyWithSmtputf8) {
  std::string p = "<j\xc3\xb6rg@b\xc3\xbc" "cher.example>";
  EXPECT_TRUE(bad_path(p));
  EXPECT_EQ(ok_path(p, {.allow_utf8 = true}).local, "j\xc3\xb6rg");
  EXPECT_TRUE(bad_path("<j\xc3@x.org>", {.allow_utf8 = true}));          // truncated
  EXPECT_TRUE(bad_path("<\xc0\xaf@x.org>", {.allow_utf8 = true}));       // overlong
  EXPECT_TRUE(bad_path("<\xed\xa0\x80@x.org>", {.allow_utf8 = true}));   // surrogate
  EXPECT_TRUE(bad_path("<a@x\xff.org>", {.allow_utf8 = true}));
  EXPECT_EQ(ok_path("<\"\xe2\x82\xac\"@x.org>", {.allow_utf8 = true}).local, "\"\xe2\x82\xac\"");
}

TEST(Address, RejectsJunkAroundPath) {
  EXPECT_TRUE(bad_path("alice@example.com"));
  EXPECT_TRUE(bad_path("<alice@example.com"));
  EXPECT_TRUE(bad_path(" <alice@example.com>"));
  EXPECT_TRUE(bad_path("<alice@example.com> "));
  EXPECT_TRUE(bad_path("<<alice@example.com>>"));
  EXPECT_TRUE(bad_path(std::string_view("<a\0b@x.org>", 11)));
  EXPECT_TRUE(bad_path("<alice>"));
  EXPECT_TRUE(bad_path(""));
}

TEST(Address, SplitPathAndParams) {
  auto s = split_path_and_params("<a@b.c> SIZE=10  BODY=8BITMIME");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->path, "<a@b.c>");
  EXPECT_EQ(s->params, "SIZE=10  BODY=8BITMIME");
  s = split_path_and_params("<\"x>y\"@b.c>");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->path, "<\"x>y\"@b.c>");
  EXPECT_EQ(s->params, "");
  EXPECT_TRUE(split_path_and_params("<>"));
  EXPECT_FALSE(split_path_and_params("<a@b.c>SIZE=1"));
  EXPECT_FALSE(split_path_and_params("a@b.c"));
  EXPECT_FALSE(split_path_and_params("<a@b.c"));
  EXPECT_FALSE(split_path_and_params("<a<b@c>"));
}

TEST(Address, EsmtpParams) {
  auto p = parse_esmtp_params("size=100 SMTPUTF8 BODY=8BITMIME AUTH=<>");
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->size(), 4u);
  EXPECT_EQ((*p)[0], (EsmtpParam{"SIZE", "100"}));
  EXPECT_EQ((*p)[1], (EsmtpParam{"SMTPUTF8", std::nullopt}));
  EXPECT_EQ((*p)[3], (EsmtpParam{"AUTH", "<>"}));
  EXPECT_TRUE(parse_esmtp_params("")->empty());
  EXPECT_FALSE(parse_esmtp_params("SIZE=").ok());
  EXPECT_FALSE(parse_esmtp_params("=1").ok());
  EXPECT_FALSE(parse_esmtp_params("-X=1").ok());
  EXPECT_FALSE(parse_esmtp_params("X_Y=1").ok());
  EXPECT_FALSE(parse_esmtp_params("X=a=b").ok());
  EXPECT_FALSE(parse_esmtp_params("X=\x01").ok());
  EXPECT_FALSE(parse_esmtp_params("X=\xff").ok());
  EXPECT_TRUE(parse_esmtp_params("X=\xc3\xa9").ok());
}

TEST(Address, LowerDomainAndUtf8) {
  EXPECT_EQ(lower_domain("MiXeD.Example.COM"), "mixed.example.com");
  EXPECT_EQ(lower_domain("B\xc3\x9c" "CHER.de"), "b\xc3\x9c" "cher.de");
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x93\xa7"));
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));      // overlong
  EXPECT_FALSE(is_valid_utf8("\x80"));
}

}  // namespace
}  // namespace postern::mail
