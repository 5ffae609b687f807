#include "outbound/route_plan.h"

#include <gtest/gtest.h>

#include <set>

namespace postern::outbound {
namespace {

dns::Answer<dns::MxRecord> answer(std::vector<dns::MxRecord> records,
                                  dns::Rcode rcode = dns::Rcode::NoError) {
  return {rcode, std::move(records), false};
}

TEST(Routes, FirstMatchWins) {
  std::vector<config::Route> routes{{"example.com", "a:1", "none", "", ""},
                                    {"*", "b:2", "required", "", ""},
                                    {"other.com", "c:3", "none", "", ""}};
  EXPECT_EQ(match_route(routes, "example.com")->to, "a:1");
  EXPECT_EQ(match_route(routes, "other.com")->to, "b:2");
  EXPECT_EQ(match_route({}, "x.com"), nullptr);
  EXPECT_EQ(tls_policy("required"), TlsPolicy::Required);
  EXPECT_EQ(tls_policy("none"), TlsPolicy::None);
  EXPECT_EQ(tls_policy("opportunistic"), TlsPolicy::Opportunistic);
}

TEST(MxOrder, PreferenceOrderAndDuplicatesDropped) {
  std::mt19937_64 rng(1);
  auto hosts = order_mx({{30, "c"}, {10, "a"}, {20, "b"}, {10, "a"}}, rng);
  EXPECT_EQ(hosts, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(MxOrder, EqualPreferencesShuffled) {
  std::set<std::string> firsts;
  for (unsigned seed = 0; seed < 50; ++seed) {
    std::mt19937_64 rng(seed);
    auto hosts = order_mx({{10, "x"}, {10, "y"}, {10, "z"}, {5, "first"}, {99, "last"}}, rng);
    ASSERT_EQ(hosts.size(), 5u);
    EXPECT_EQ(hosts.front(), "first");
    EXPECT_EQ(hosts.back(), "last");
    firsts.insert(hosts[1]);
  }
  EXPECT_EQ(firsts.size(), 3u);  // each of x, y, z came first at least once
}

TEST(MxPlan, NullMxIsPermanent) {
  std::mt19937_64 rng(1);
  auto plan = plan_from_mx(answer({{0, ""}}), "nullmx.test", rng);
  ASSERT_TRUE(plan.failure);
  EXPECT_EQ(plan.failure->outcome, Outcome::Permanent);
  EXPECT_EQ(plan.failure->reply, "556 5.1.10 Recipient address has null MX");
}

TEST(MxPlan, NoDataMeansImplicitMx) {
  std::mt19937_64 rng(1);
  auto plan = plan_from_mx(answer({}), "plain.test", rng);
  ASSERT_FALSE(plan.failure);
  EXPECT_EQ(plan.hosts, (std::vector<std::string>{"plain.test"}));
}

TEST(MxPlan, DnsFailures) {
  std::mt19937_64 rng(1);
  auto nx = plan_from_mx(answer({}, dns::Rcode::NxDomain), "no.test", rng);
  EXPECT_EQ(nx.failure->outcome, Outcome::Permanent);
  EXPECT_NE(nx.failure->reply.find("5.1.2"), std::string::npos);
  for (auto rc : {dns::Rcode::ServFail, dns::Rcode::Timeout}) {
    auto p = plan_from_mx(answer({}, rc), "x.test", rng);
    EXPECT_EQ(p.failure->outcome, Outcome::Transient);
    EXPECT_NE(p.failure->reply.find("4.4.3"), std::string::npos);
  }
}

TEST(Addresses, InterleavedIpv6First) {
  EXPECT_EQ(interleave_addresses({"::1", "::2"}, {"1.1.1.1"}),
            (std::vector<std::string>{"::1", "1.1.1.1", "::2"}));
  EXPECT_EQ(interleave_addresses({}, {"1.1.1.1"}), (std::vector<std::string>{"1.1.1.1"}));
}

}  // namespace
}  // namespace postern::outbound
