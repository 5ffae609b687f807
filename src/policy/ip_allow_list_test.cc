#include "policy/ip_allow_list.h"

#include <gtest/gtest.h>

namespace postern::policy {
namespace {

IpAddress ip(const char* text) {
  auto a = parse_ip(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(IpAddress{});
}

IpAllowList list(std::vector<std::string> entries) {
  auto l = IpAllowList::parse(entries);
  EXPECT_TRUE(l.ok()) << (l.ok() ? "" : l.error().message);
  return l.ok() ? l.value() : IpAllowList{};
}

std::string error_of(std::string_view text) {
  auto n = parse_network(text);
  EXPECT_FALSE(n.ok()) << text;
  return n.ok() ? "" : n.error().message;
}

TEST(ParseIp, V4V6AndMapped) {
  EXPECT_TRUE(ip("192.0.2.7").v4);
  EXPECT_EQ(ip("192.0.2.7").str(), "192.0.2.7");
  EXPECT_FALSE(ip("2001:DB8::1").v4);
  EXPECT_EQ(ip("2001:DB8::1").str(), "2001:db8::1");
  auto mapped = ip("::ffff:192.0.2.7");
  EXPECT_TRUE(mapped.v4);
  EXPECT_EQ(mapped.str(), "192.0.2.7");
  EXPECT_EQ(ip("::ffff:c000:207").str(), "192.0.2.7");
  EXPECT_FALSE(ip("::192.0.2.7").v4);  // IPv4-compatible (deprecated) is not mapped
}

TEST(ParseIp, RefusesGarbage) {
  for (const char* bad : {"", "192.0.2", "192.0.2.256", "192.0.2.7 ", " 192.0.2.7", "01.2.3.4",
                          "2001:db8::g", "fe80::1%eth0", "[::1]", "192.0.2.7/32", "localhost"})
    EXPECT_FALSE(parse_ip(bad).has_value()) << bad;
  EXPECT_FALSE(parse_ip(std::string(100, '1')).has_value());
  EXPECT_FALSE(parse_ip(std::string_view("1.2.3.4\0", 8)).has_value());
}

TEST(ParseNetwork, CanonicalForms) {
  EXPECT_EQ(parse_network("192.0.2.7")->str(), "192.0.2.7/32");
  EXPECT_EQ(parse_network("192.0.2.0/24")->str(), "192.0.2.0/24");
  EXPECT_EQ(parse_network("0.0.0.0/0")->str(), "0.0.0.0/0");
  EXPECT_EQ(parse_network("2001:db8::/32")->str(), "2001:db8::/32");
  EXPECT_EQ(parse_network("2001:db8::1")->str(), "2001:db8::1/128");
  EXPECT_EQ(parse_network("::/0")->str(), "::/0");
  EXPECT_EQ(parse_network("::ffff:192.0.2.7")->str(), "192.0.2.7/32");
  EXPECT_EQ(parse_network("::ffff:192.0.2.0/120")->str(), "192.0.2.0/24");
  EXPECT_EQ(parse_network("::ffff:0.0.0.0/96")->str(), "0.0.0.0/0");
}

TEST(ParseNetwork, HostBitsNameTheNetwork) {
  EXPECT_NE(error_of("192.0.2.7/24").find("192.0.2.0/24"), std::string::npos);
  EXPECT_NE(error_of("2001:db8::1/32").find("2001:db8::/32"), std::string::npos);
  EXPECT_NE(error_of("::ffff:192.0.2.7/120").find("192.0.2.0/24"), std::string::npos);
  EXPECT_NE(error_of("10.0.0.1/0").find("0.0.0.0/0"), std::string::npos);
}

TEST(ParseNetwork, RefusesBadPrefixes) {
  for (const char* bad : {"192.0.2.0/33", "192.0.2.0/-1", "192.0.2.0/", "192.0.2.0/+8",
                          "192.0.2.0/8a", "192.0.2.0/0008", "2001:db8::/129", "::ffff:0.0.0.0/95",
                          "192.0.2.0/24/8", "/24", "example.com/24"})
    EXPECT_FALSE(parse_network(bad).ok()) << bad;
  EXPECT_NE(error_of("192.0.2.0/33").find("0..32"), std::string::npos);
  EXPECT_NE(error_of("2001:db8::/129").find("0..128"), std::string::npos);
  EXPECT_NE(error_of("nonsense").find("\"nonsense\""), std::string::npos);
}

TEST(IpAllowList, EmptyAllowsEverySource) {
  auto l = list({});
  EXPECT_TRUE(l.empty());
  EXPECT_TRUE(l.allows(ip("203.0.113.1")));
  EXPECT_TRUE(l.allows(ip("2001:db8::1")));
  EXPECT_FALSE(l.nearest(ip("203.0.113.1")).has_value());
}

TEST(IpAllowList, V4HostsAndNetworks) {
  auto l = list({"192.0.2.0/24", "198.51.100.7"});
  EXPECT_TRUE(l.allows(ip("192.0.2.200")));
  EXPECT_TRUE(l.allows(ip("198.51.100.7")));
  EXPECT_FALSE(l.allows(ip("198.51.100.8")));
  EXPECT_FALSE(l.allows(ip("192.0.3.1")));
  EXPECT_FALSE(l.allows(ip("2001:db8::1")));
}

TEST(IpAllowList, MappedClientsMatchV4Entries) {
  auto l = list({"192.0.2.0/24"});
  EXPECT_TRUE(l.allows(ip("::ffff:192.0.2.9")));
  auto m = list({"::ffff:192.0.2.9"});
  EXPECT_TRUE(m.allows(ip("192.0.2.9")));
}

TEST(IpAllowList, V6AndSlashZero) {
  auto l = list({"2001:db8:1::/48", "2001:db8:2::5/128"});
  EXPECT_TRUE(l.allows(ip("2001:db8:1:ffff::1")));
  EXPECT_TRUE(l.allows(ip("2001:db8:2::5")));
  EXPECT_FALSE(l.allows(ip("2001:db8:2::6")));
  EXPECT_FALSE(l.allows(ip("192.0.2.1")));
  auto any4 = list({"0.0.0.0/0"});
  EXPECT_TRUE(any4.allows(ip("203.0.113.1")));
  EXPECT_FALSE(any4.allows(ip("2001:db8::1")));  // families stay apart
  auto any6 = list({"::/0"});
  EXPECT_TRUE(any6.allows(ip("2001:db8::1")));
  EXPECT_FALSE(any6.allows(ip("203.0.113.1")));
}

TEST(IpAllowList, DuplicatesRemovedInFirstSeenOrder) {
  auto l = list({"192.0.2.7", "2001:db8::/32", "192.0.2.7/32", "::ffff:192.0.2.7", "10.0.0.0/8"});
  EXPECT_EQ(l.canonical(),
            (std::vector<std::string>{"192.0.2.7/32", "2001:db8::/32", "10.0.0.0/8"}));
}

TEST(IpAllowList, AtMostFiftyEntries) {
  std::vector<std::string> entries;
  for (int i = 0; i < 50; ++i) entries.push_back("10.0.0." + std::to_string(i));
  EXPECT_TRUE(IpAllowList::parse(entries).ok());
  entries.push_back("10.0.0.0");  // a duplicate does not count
  EXPECT_TRUE(IpAllowList::parse(entries).ok());
  entries.push_back("10.0.1.0");
  auto r = IpAllowList::parse(entries);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("at most 50"), std::string::npos);
}

TEST(IpAllowList, ParseFailsOnAnyBadEntry) {
  auto r = IpAllowList::parse({"192.0.2.0/24", "192.0.2.7/24"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("192.0.2.0/24"), std::string::npos);
}

TEST(IpAllowList, NearestByLongestCommonPrefixSameFamily) {
  auto l = list({"10.0.0.0/8", "192.0.2.0/24", "192.0.3.0/24", "2001:db8::/32"});
  EXPECT_EQ(l.nearest(ip("192.0.2.77")), "192.0.2.0/24");
  EXPECT_EQ(l.nearest(ip("192.0.3.250")), "192.0.3.0/24");
  EXPECT_EQ(l.nearest(ip("11.1.1.1")), "10.0.0.0/8");
  EXPECT_EQ(l.nearest(ip("2001:db9::1")), "2001:db8::/32");
  EXPECT_EQ(list({"192.0.2.0/24"}).nearest(ip("2001:db8::1")), std::nullopt);
}

}  // namespace
}  // namespace postern::policy
