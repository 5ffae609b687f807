#include "auth/api_key.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace postern::auth {
namespace {

bool is_base64url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

TEST(ApiKey, GeneratedKeysArePkPlus43Base64UrlCharacters) {
  for (int i = 0; i < 200; ++i) {  // 200 keys: every base64 alphabet edge ('+', '/') shows up
    const std::string key = generate_api_key();
    ASSERT_EQ(key.size(), 46u) << key;
    EXPECT_EQ(key.substr(0, 3), "pk_");
    for (char c : key.substr(3)) EXPECT_TRUE(is_base64url(c)) << key;
    EXPECT_TRUE(looks_like_api_key(key)) << key;
  }
}

TEST(ApiKey, GeneratedKeysAreUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(generate_api_key()).second);
}

TEST(ApiKey, HashIsStableLowerHexSha256) {
  // SHA-256("abc"), FIPS 180-2 appendix B.1.
  EXPECT_EQ(hash_api_key("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string key = generate_api_key();
  const std::string h = hash_api_key(key);
  ASSERT_EQ(h.size(), 64u);
  for (char c : h) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << h;
  EXPECT_EQ(hash_api_key(key), h);
  EXPECT_NE(hash_api_key(generate_api_key()), h);
  EXPECT_EQ(h.find(key), std::string::npos);
}

TEST(ApiKey, PrefixIsTheFirstTwelveCharacters) {
  const std::string key = generate_api_key();
  EXPECT_EQ(api_key_prefix(key), key.substr(0, 12));
  EXPECT_EQ(api_key_prefix("pk_short"), "pk_short");
}

TEST(ApiKey, LooksLikeApiKeyRefusesMalformedKeys) {
  const std::string good = "pk_" + std::string(43, 'A');
  EXPECT_TRUE(looks_like_api_key(good));
  EXPECT_TRUE(looks_like_api_key("pk_" + std::string(41, 'z') + "-_"));
  EXPECT_FALSE(looks_like_api_key(""));
  EXPECT_FALSE(looks_like_api_key("pk_"));
  EXPECT_FALSE(looks_like_api_key("pk_" + std::string(42, 'A')));  // too short
  EXPECT_FALSE(looks_like_api_key(good + "A"));                     // too long
  EXPECT_FALSE(looks_like_api_key("sk_" + std::string(43, 'A')));
  EXPECT_FALSE(looks_like_api_key("PK_" + std::string(43, 'A')));
  EXPECT_FALSE(looks_like_api_key("pk_" + std::string(42, 'A') + "+"));  // base64, not url
  EXPECT_FALSE(looks_like_api_key("pk_" + std::string(42, 'A') + "="));
  EXPECT_FALSE(looks_like_api_key("pk_" + std::string(42, 'A') + " "));
}

}  // namespace
}  // namespace postern::auth
