#include "auth/password_hash.h"

#include <gtest/gtest.h>

namespace postern::auth {
namespace {

TEST(PasswordHash, HashesWithArgon2idAndVerifies) {
  auto h = hash_password("correct horse");
  ASSERT_TRUE(h.ok()) << h.error().message;
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(h->find("correct horse"), std::string::npos);
  EXPECT_TRUE(verify_password(*h, "correct horse"));
  EXPECT_FALSE(verify_password(*h, "correct horse "));
  auto again = hash_password("correct horse");
  EXPECT_NE(*again, *h);  // salted
}

TEST(PasswordHash, EnforcesLengthLimitsWithoutEchoing) {
  auto short_pw = hash_password("seven77");
  ASSERT_FALSE(short_pw.ok());
  EXPECT_NE(short_pw.error().message.find("8 to 256"), std::string::npos);
  EXPECT_EQ(short_pw.error().message.find("seven77"), std::string::npos);
  EXPECT_FALSE(hash_password(std::string(257, 'x')).ok());
  EXPECT_FALSE(hash_password("").ok());
}

TEST(PasswordHash, GarbageHashesNeverMatch) {
  EXPECT_FALSE(verify_password("", "whatever1"));
  EXPECT_FALSE(verify_password("not a hash", "whatever1"));
  EXPECT_FALSE(verify_password(std::string(500, '$'), "whatever1"));
}

TEST(PasswordHash, BurnEquivalentWorkRuns) {
  init_password_hashing();
  burn_equivalent_work("anything at all");
  burn_equivalent_work("");
  SUCCEED();
}

}  // namespace
}  // namespace postern::auth
