#include "smtp/sasl.h"

#include <gtest/gtest.h>

#include "base/encoding.h"

namespace postern::smtp::sasl {
namespace {

std::string b64(std::string_view s) { return base64_encode(s); }

TEST(Sasl, PlainDecodes) {
  auto c = decode_plain(b64(std::string("\0alice\0s3cret pw", 16)));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->authzid, "");
  EXPECT_EQ(c->username, "alice");
  EXPECT_EQ(c->password.reveal(), "s3cret pw");
  c = decode_plain(b64(std::string("admin\0bob\0pw", 12)));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->authzid, "admin");
  EXPECT_EQ(c->username, "bob");
}

TEST(Sasl, PlainKeepsUsernameAsSent) {
  auto c = decode_plain(b64(std::string("\0 Alice@Example.com \0pw", 23)));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->username, " Alice@Example.com ");
}

TEST(Sasl, PlainMalformed) {
  EXPECT_FALSE(decode_plain("not base64!"));
  EXPECT_FALSE(decode_plain("AGFsaWNlAHB"));                         // bad length
  EXPECT_FALSE(decode_plain("="));  // empty
  EXPECT_FALSE(decode_plain(""));
  EXPECT_FALSE(decode_plain(b64("alicepw")));                         // no NUL
  EXPECT_FALSE(decode_plain(b64(std::string("\0alice", 6))));         // one NUL
  EXPECT_FALSE(decode_plain(b64(std::string("\0alice\0pw\0", 10))));  // three NULs
  EXPECT_FALSE(decode_plain(b64(std::string("\0\0pw", 4))));          // empty username
  EXPECT_FALSE(decode_plain(b64(std::string("\0alice\0", 7))));       // empty password
  auto with_user = [](std::size_t n) {
    return b64(std::string("\0", 1) + std::string(n, 'u') + std::string("\0p", 2));
  };
  EXPECT_FALSE(decode_plain(with_user(257)));
  EXPECT_TRUE(decode_plain(with_user(256)));
  EXPECT_FALSE(decode_plain("AGFsaWNlAHB3 "));                        // trailing junk
  EXPECT_FALSE(decode_plain("AGFsaWNlAHB3\t"));
}

TEST(Sasl, EmptyResponse) {
  EXPECT_TRUE(decode_response("="));
  EXPECT_TRUE(decode_response("=")->empty());
  EXPECT_TRUE(decode_response("")->empty());
  EXPECT_FALSE(decode_response("=="));
}

TEST(Sasl, LoginFields) {
  EXPECT_EQ(*decode_login_username(b64("alice")), "alice");
  EXPECT_EQ(decode_login_password(b64("pw"))->reveal(), "pw");
  EXPECT_FALSE(decode_login_username("="));
  EXPECT_FALSE(decode_login_username(""));
  EXPECT_FALSE(decode_login_username(b64(std::string("a\0b", 3))));
  EXPECT_FALSE(decode_login_username(b64(std::string(257, 'u'))));
  EXPECT_FALSE(decode_login_password("="));
  EXPECT_FALSE(decode_login_password("%%%%"));
  EXPECT_EQ(base64_decode(std::string(kUsernameChallenge)), "Username:");
  EXPECT_EQ(base64_decode(std::string(kPasswordChallenge)), "Password:");
}

TEST(Sasl, Cancellation) {
  EXPECT_TRUE(is_cancellation("*"));
  EXPECT_FALSE(is_cancellation("* "));
  EXPECT_FALSE(is_cancellation("**"));
}

}  // namespace
}  // namespace postern::smtp::sasl
