#include "storage/names.h"

#include <gtest/gtest.h>

namespace postern::storage {
namespace {

TEST(Names, AcceptsLiteralNames) {
  for (const char* name : {"a", "crm-mailer", "app_1.prod", "0day", "CRM-Mailer"})
    EXPECT_TRUE(validate_username(name).ok()) << name;
  EXPECT_TRUE(validate_username(std::string(64, 'a')).ok());
  EXPECT_TRUE(validate_account_name("acme").ok());
}

TEST(Names, RefusesEmailAddressesSayingSo) {
  auto s = validate_username("a@b.com");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message,
            "invalid username \"a@b.com\": SMTP usernames are literal names, not email "
            "addresses (no '@'); try \"a-b-com\"");
  EXPECT_NE(validate_username("CRM@Example.com").error().message.find("try \"crm-example-com\""),
            std::string::npos);
}

TEST(Names, RefusesOtherBadNames) {
  EXPECT_FALSE(validate_username("").ok());
  EXPECT_FALSE(validate_username(std::string(65, 'a')).ok());
  EXPECT_FALSE(validate_username("-lead").ok());
  EXPECT_FALSE(validate_username(".lead").ok());
  EXPECT_FALSE(validate_username("sp ace").ok());
  EXPECT_FALSE(validate_username("caf\xc3\xa9").ok());
  EXPECT_FALSE(validate_account_name("a@b").ok());
  auto s = validate_username(std::string("nul\0x", 5));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message.find('\0'), std::string::npos);  // never echoed raw
  EXPECT_NE(validate_account_name("x y").error().message.find("account name"), std::string::npos);
}

TEST(Names, NormalizeAndSuggest) {
  EXPECT_EQ(normalize_name("CRM-Mailer"), "crm-mailer");
  EXPECT_EQ(suggest_name("a@b.com"), "a-b-com");
  EXPECT_EQ(suggest_name("--x  y--"), "x-y");
  EXPECT_EQ(suggest_name("@@@"), "");
  EXPECT_EQ(suggest_name(std::string(100, 'a')).size(), 64u);
}

}  // namespace
}  // namespace postern::storage
