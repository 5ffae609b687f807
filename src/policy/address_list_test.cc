#include "policy/address_list.h"

#include <gtest/gtest.h>

namespace postern::policy {
namespace {

std::vector<std::string> addresses(std::string_view value) {
  auto r = parse_address_list(value);
  EXPECT_TRUE(r.ok()) << value << ": " << (r.ok() ? "" : r.error().message);
  std::vector<std::string> out;
  if (r.ok())
    for (const auto& a : *r) out.push_back(a.str());
  return out;
}

using V = std::vector<std::string>;

TEST(AddressList, PlainAndNameAddr) {
  EXPECT_EQ(addresses("alice@Example.COM"), V{"alice@example.com"});
  EXPECT_EQ(addresses("Alice <alice@example.com>"), V{"alice@example.com"});
  EXPECT_EQ(addresses("<alice@example.com>"), V{"alice@example.com"});
  EXPECT_EQ(addresses("alice@example.com."), V{"alice@example.com"});
}

TEST(AddressList, DisplayNamesWithSpecialsAndEncodedWords) {
  EXPECT_EQ(addresses("\"Doe, John <boss@other.example>\" <john@example.com>"),
            V{"john@example.com"});
  EXPECT_EQ(addresses("=?UTF-8?B?w6lsaXNl?= <e@example.com>"), V{"e@example.com"});
  EXPECT_EQ(addresses("John Q. Public <jqp@example.com>"), V{"jqp@example.com"});
  // A display name that looks like an address does not count: the angle address does.
  EXPECT_EQ(addresses("ceo@bank.example <x@attacker.example>"), V{"x@attacker.example"});
}

TEST(AddressList, CommentsNestedAnywhere) {
  EXPECT_EQ(addresses("(comment (nested)) alice@example.com (Alice)"), V{"alice@example.com"});
  EXPECT_EQ(addresses("alice(x)@(y)example.com"), V{"alice@example.com"});
  EXPECT_EQ(addresses("Alice <alice@example.com> (with \\) escaped)"), V{"alice@example.com"});
}

TEST(AddressList, QuotedLocalParts) {
  EXPECT_EQ(addresses("\"a@b\"@example.com"), V{"\"a@b\"@example.com"});
  EXPECT_EQ(addresses("\"john doe\"@example.com"), V{"\"john doe\"@example.com"});
  EXPECT_EQ(addresses("<\"x\\\"y\"@example.com>"), V{"\"x\\\"y\"@example.com"});
}

TEST(AddressList, SeveralMailboxesAndGroups) {
  EXPECT_EQ(addresses("a@one.example, B <b@two.example>"), (V{"a@one.example", "b@two.example"}));
  EXPECT_EQ(addresses("team: a@one.example, b@two.example;"),
            (V{"a@one.example", "b@two.example"}));
  EXPECT_EQ(addresses("a@one.example,, b@two.example"), (V{"a@one.example", "b@two.example"}));
  EXPECT_EQ(addresses("<@relay.example,@r2.example:a@one.example>"), V{"a@one.example"});
}

TEST(AddressList, DomainLiteral) {
  auto r = parse_address_list("a@[192.0.2.1]");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)[0].domain_literal);
  EXPECT_EQ((*r)[0].domain, "[192.0.2.1]");
}

TEST(AddressList, RefusesMalformedInput) {
  for (std::string_view bad :
       {"", "   ", "undisclosed-recipients:;", "alice", "a@", "@example.com", "a@@b.example",
        "a@b..example", "<a@b.example", "a@b.example>", "A <a@b.example> <c@d.example>",
        "(unterminated a@b.example", "\"unterminated@b.example", "a@b.example)",
        "a@[1.2.3.4", "a..b@example.com", ".a@example.com", "a b@example.com",
        "g: a@b.example", "a@b.example;", "<a@b.example> trailing", "a@b.example\x01",
        "<<a@b.example>>"}) {
    EXPECT_FALSE(parse_address_list(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace postern::policy
