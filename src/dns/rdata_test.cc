#include "dns/rdata.h"

#include <gtest/gtest.h>

#include "dns/resolver.h"

namespace postern::dns {
namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s += static_cast<char>(c);
  return s;
}

TEST(Rdata, MxLowerCasedWithoutTrailingDot) {
  auto mx = parse_mx_rdata(bytes({0, 10, 2, 'M', 'x', 7, 'E', 'x', 'a', 'm', 'p', 'l', 'e', 0}));
  ASSERT_TRUE(mx);
  EXPECT_EQ(mx->preference, 10);
  EXPECT_EQ(mx->host, "mx.example");
}

TEST(Rdata, NullMxIsEmptyHost) {
  auto mx = parse_mx_rdata(bytes({0, 0, 0}));
  ASSERT_TRUE(mx);
  EXPECT_EQ(mx->preference, 0);
  EXPECT_EQ(mx->host, "");
}

TEST(Rdata, MalformedMxRejected) {
  EXPECT_FALSE(parse_mx_rdata(""));
  EXPECT_FALSE(parse_mx_rdata(bytes({0, 1})));
  EXPECT_FALSE(parse_mx_rdata(bytes({0, 1, 5, 'a', 'b'})));          // label past the end
  EXPECT_FALSE(parse_mx_rdata(bytes({0, 1, 0xC0, 0x0C})));           // compression pointer
  EXPECT_FALSE(parse_mx_rdata(bytes({1, 0, 1, 'a', 0, 'x'})));       // trailing bytes
  EXPECT_FALSE(parse_mx_rdata(bytes({1, 0, 1, 'a'})));               // no root label
}

TEST(Rdata, TxtStringsConcatenated) {
  EXPECT_EQ(parse_txt_rdata(bytes({3, 'v', '=', 'a', 2, ' ', 'b'})), "v=a b");
  EXPECT_EQ(parse_txt_rdata(bytes({0})), "");
  EXPECT_FALSE(parse_txt_rdata(bytes({4, 'a'})));
}

TEST(Rdata, Addresses) {
  EXPECT_EQ(parse_a_rdata(bytes({127, 0, 0, 1})), "127.0.0.1");
  EXPECT_FALSE(parse_a_rdata(bytes({127, 0, 0})));
  std::string v6(16, '\0');
  v6[15] = 1;
  EXPECT_EQ(parse_aaaa_rdata(v6), "::1");
  EXPECT_FALSE(parse_aaaa_rdata(bytes({1, 2, 3, 4})));
}

TEST(Rdata, OverlongNameRejected) {
  std::string rdata = bytes({0, 1});
  for (int i = 0; i < 10; ++i) rdata += std::string(1, 63) + std::string(63, 'a');
  rdata += '\0';
  EXPECT_FALSE(parse_mx_rdata(rdata));
}

TEST(ResolverSpec, ForwarderAddresses) {
  EXPECT_EQ(forwarder_address("127.0.0.1:5353").value(), "127.0.0.1@5353");
  EXPECT_EQ(forwarder_address("127.0.0.1").value(), "127.0.0.1");
  EXPECT_EQ(forwarder_address("[::1]:53").value(), "::1@53");
  EXPECT_EQ(forwarder_address("::1").value(), "::1");
  EXPECT_FALSE(forwarder_address("dns.example:53"));
  EXPECT_FALSE(forwarder_address("127.0.0.1:99999"));
  EXPECT_FALSE(forwarder_address("127.0.0.1:"));
  EXPECT_FALSE(make_resolver("nonsense"));
}

}  // namespace
}  // namespace postern::dns
