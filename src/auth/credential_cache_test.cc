#include "auth/credential_cache.h"

#include <gtest/gtest.h>

namespace postern::auth {
namespace {

storage::SmtpUser user(const std::string& uuid, std::int64_t version = 1) {
  storage::SmtpUser u;
  u.uuid = uuid;
  u.version = version;
  return u;
}

TEST(CredentialCache, HitsOnlyTheExactTuple) {
  CredentialCache cache;
  auto u = user("u1");
  cache.insert(u, "$hash", "password1", 0);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.contains(u, "$hash", "password1", 1));
  EXPECT_FALSE(cache.contains(u, "$hash", "password2", 1));
  EXPECT_FALSE(cache.contains(u, "$other", "password1", 1));
  EXPECT_FALSE(cache.contains(user("u1", 2), "$hash", "password1", 1));  // user changed
  EXPECT_FALSE(cache.contains(user("u2"), "$hash", "password1", 1));
  EXPECT_FALSE(cache.contains(u, "", "password1", 1));
  // Field boundaries matter: ("ab", "c") is not ("a", "bc").
  cache.insert(u, "$h", "ab", 0);
  EXPECT_FALSE(cache.contains(u, "$ha", "b", 1));
}

TEST(CredentialCache, KeysArePerProcessSecrets) {
  CredentialCache a, b;
  a.insert(user("u1"), "$hash", "password1", 0);
  EXPECT_FALSE(b.contains(user("u1"), "$hash", "password1", 0));
}

TEST(CredentialCache, ExpiresAfterTtl) {
  CredentialCache cache(10, 1000);
  auto u = user("u1");
  cache.insert(u, "$hash", "password1", 0);
  EXPECT_TRUE(cache.contains(u, "$hash", "password1", 999));
  EXPECT_FALSE(cache.contains(u, "$hash", "password1", 1000));
  EXPECT_EQ(cache.size(), 0u);
}

TEST(CredentialCache, EvictsLeastRecentlyUsed) {
  CredentialCache cache(2, 1000000);
  cache.insert(user("a"), "$h", "password", 0);
  cache.insert(user("b"), "$h", "password", 0);
  EXPECT_TRUE(cache.contains(user("a"), "$h", "password", 1));  // a is now the newest
  cache.insert(user("c"), "$h", "password", 2);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.contains(user("a"), "$h", "password", 3));
  EXPECT_FALSE(cache.contains(user("b"), "$h", "password", 3));
  EXPECT_TRUE(cache.contains(user("c"), "$h", "password", 3));
}

TEST(CredentialCache, ReinsertRefreshesAndClearEmpties) {
  CredentialCache cache(10, 100);
  auto u = user("u1");
  cache.insert(u, "$h", "password", 0);
  cache.insert(u, "$h", "password", 50);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.contains(u, "$h", "password", 120));
  cache.clear();
  EXPECT_EQ(cache.size(), 0u);
  CredentialCache none(0, 100);
  none.insert(u, "$h", "password", 0);
  EXPECT_EQ(none.size(), 0u);
}

}  // namespace
}  // namespace postern::auth
