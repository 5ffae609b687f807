#include "proxy/proxy_header.h"

#include <gtest/gtest.h>

namespace postern::proxy {
namespace {

std::string v2(unsigned char ver_cmd, unsigned char fam, std::string payload) {
  std::string h(kV2Signature);
  h.push_back(static_cast<char>(ver_cmd));
  h.push_back(static_cast<char>(fam));
  h.push_back(static_cast<char>(payload.size() >> 8));
  h.push_back(static_cast<char>(payload.size() & 0xff));
  return h + payload;
}

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s.push_back(static_cast<char>(c));
  return s;
}

TEST(ProxyV1, Tcp4) {
  auto h = parse_v1("PROXY TCP4 203.0.113.7 192.0.2.1 51514 587\r\n");
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_TRUE(h->has_addresses);
  EXPECT_EQ(h->source_ip, "203.0.113.7");
  EXPECT_EQ(h->source_port, 51514);
  EXPECT_EQ(h->destination_ip, "192.0.2.1");
  EXPECT_EQ(h->destination_port, 587);
}

TEST(ProxyV1, Tcp6IsCanonicalised) {
  auto h = parse_v1("PROXY TCP6 2001:DB8:0:0::7 ::1 1 65535\r\n");
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_EQ(h->source_ip, "2001:db8::7");
  EXPECT_EQ(h->destination_port, 65535);
}

TEST(ProxyV1, UnknownKeepsConnectionAddresses) {
  auto h = parse_v1("PROXY UNKNOWN whatever follows\r\n");
  ASSERT_TRUE(h);
  EXPECT_FALSE(h->has_addresses);
}

TEST(ProxyV1, RefusesMalformedLines) {
  for (const char* line : {"PROXY TCP4 203.0.113.7 192.0.2.1 51514 587\n",  // LF only
                           "PROXY TCP4 203.0.113.7 192.0.2.1 51514\r\n",    // field missing
                           "PROXY TCP4 ::1 192.0.2.1 1 2\r\n",              // family mismatch
                           "PROXY TCP6 203.0.113.7 ::1 1 2\r\n",
                           "PROXY TCP4 203.0.113.7 192.0.2.1 65536 25\r\n",  // port range
                           "PROXY TCP4 203.0.113.7 192.0.2.1 0025 25\r\n",   // leading zero
                           "PROXY TCP4 203.0.113.7  192.0.2.1 1 2\r\n",      // double space
                           "PROXY UDP4 203.0.113.7 192.0.2.1 1 2\r\n", "proxy TCP4 1.2.3.4 1.2.3.4 1 2\r\n",
                           "\r\n"}) {
    EXPECT_FALSE(parse_v1(line)) << line;
  }
  EXPECT_FALSE(parse_v1("PROXY UNKNOWN " + std::string(100, 'x') + "\r\n"));  // > 107 bytes
}

TEST(ProxyDetect, Signatures) {
  EXPECT_EQ(detect("PROXY TC"), Version::V1);
  EXPECT_EQ(detect(kV2Signature.substr(0, 8)), Version::V2);
  EXPECT_EQ(detect("EHLO foo"), Version::Neither);
  EXPECT_EQ(detect(bytes({0x16, 3, 1, 0, 0x50, 1, 0, 0})), Version::Neither);  // a ClientHello
}

TEST(ProxyV2, Inet4WithTlvs) {
  std::string payload = bytes({203, 0, 113, 7, 192, 0, 2, 1, 0xc9, 0x3a, 0x02, 0x4b});
  payload += bytes({0x04, 0x00, 0x02, 'x', 'y'});  // a TLV (NOOP) is skipped
  std::string h = v2(0x21, 0x11, payload);
  auto len = v2_payload_length(h.substr(0, 16));
  ASSERT_TRUE(len);
  EXPECT_EQ(*len, payload.size());
  auto parsed = parse_v2(h);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->has_addresses);
  EXPECT_EQ(parsed->source_ip, "203.0.113.7");
  EXPECT_EQ(parsed->source_port, 0xc93a);
  EXPECT_EQ(parsed->destination_ip, "192.0.2.1");
  EXPECT_EQ(parsed->destination_port, 587);
}

TEST(ProxyV2, Inet6) {
  std::string payload(16, '\0');
  payload[0] = 0x20;
  payload[1] = 0x01;
  payload[2] = 0x0d;
  payload[3] = static_cast<char>(0xb8);
  payload[15] = 7;
  std::string dst(16, '\0');
  dst[15] = 1;
  payload += dst + bytes({0, 25, 0x02, 0x4b});
  auto parsed = parse_v2(v2(0x21, 0x21, payload));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->source_ip, "2001:db8::7");
  EXPECT_EQ(parsed->source_port, 25);
  EXPECT_EQ(parsed->destination_ip, "::1");
}

TEST(ProxyV2, LocalAndUnspecHaveNoAddresses) {
  auto local = parse_v2(v2(0x20, 0x00, ""));
  ASSERT_TRUE(local);
  EXPECT_FALSE(local->has_addresses);
  auto unix_family = parse_v2(v2(0x21, 0x31, std::string(216, 'a')));
  ASSERT_TRUE(unix_family);
  EXPECT_FALSE(unix_family->has_addresses);
}

TEST(ProxyV2, RefusesBadHeaders) {
  EXPECT_FALSE(v2_payload_length(v2(0x11, 0x11, "")));         // version 1 in a v2 header
  EXPECT_FALSE(v2_payload_length(v2(0x22, 0x11, "")));         // command 2
  EXPECT_FALSE(v2_payload_length(std::string(16, 'x')));       // no signature
  EXPECT_FALSE(parse_v2(v2(0x21, 0x11, std::string(11, 'a'))));  // IPv4 block too short
  EXPECT_FALSE(parse_v2(v2(0x21, 0x21, std::string(35, 'a'))));  // IPv6 block too short
  std::string h = v2(0x21, 0x11, std::string(12, 'a'));
  EXPECT_FALSE(parse_v2(h.substr(0, h.size() - 1)));            // truncated
}

}  // namespace
}  // namespace postern::proxy
