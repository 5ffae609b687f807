#include <gtest/gtest.h>

#include <vector>

#include "base/encoding.h"
#include "base/random.h"
#include "base/secret.h"
#include "base/time.h"

using namespace postern;

TEST(Base64, RoundTrip) {
  for (std::string s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0u\0p", 4)}) {
    auto d = base64_decode(base64_encode(s));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(*d, s);
  }
  EXPECT_EQ(base64_encode("Username:"), "VXNlcm5hbWU6");
}

TEST(Base64, RejectsNonCanonical) {
  EXPECT_FALSE(base64_decode("abc").has_value());
  EXPECT_FALSE(base64_decode("ab=c").has_value());
  EXPECT_FALSE(base64_decode("a===").has_value());
  EXPECT_FALSE(base64_decode("ab c").has_value());
  EXPECT_FALSE(base64_decode("ab==ab==").has_value());
  EXPECT_FALSE(base64_decode("!!!!").has_value());
  EXPECT_FALSE(base64_decode("YWJjZB==").has_value());  // non-zero pad bits
  EXPECT_FALSE(base64_decode("YR==").has_value());
  EXPECT_EQ(base64_decode("YWJjZA==").value_or(""), "abcd");
}

TEST(Duration, Parses) {
  EXPECT_EQ(parse_duration_seconds("10m"), 600);
  EXPECT_EQ(parse_duration_seconds("24h"), 86400);
  EXPECT_EQ(parse_duration_seconds("90"), 90);
  EXPECT_EQ(parse_duration_seconds("5d"), 432000);
  EXPECT_FALSE(parse_duration_seconds("").has_value());
  EXPECT_FALSE(parse_duration_seconds("m").has_value());
  EXPECT_FALSE(parse_duration_seconds("-5m").has_value());
  EXPECT_FALSE(parse_duration_seconds("5x").has_value());
}

TEST(Random, UuidShape) {
  std::string u = new_uuid();
  ASSERT_EQ(u.size(), 36u);
  EXPECT_EQ(u[14], '4');
  EXPECT_NE(new_uuid(), u);
}

TEST(Random, GeneratedPasswordIsLongEnough) {
  std::string p = generate_password();
  EXPECT_EQ(p.size(), 24u);
  EXPECT_NE(generate_password(), p);
}

TEST(Secret, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "ab"));
  Secret s("hunter22");
  EXPECT_EQ(s.reveal(), "hunter22");
  Secret t = std::move(s);
  EXPECT_TRUE(s.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(t.reveal(), "hunter22");
}

TEST(Time, Iso8601) {
  EXPECT_EQ(format_iso8601(1795806131123), "2026-11-27T19:02:11.123Z");
}
