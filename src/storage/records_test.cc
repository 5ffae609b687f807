#include "storage/records.h"

#include <gtest/gtest.h>

namespace postern::storage {
namespace {

TEST(Records, StatusNamesRoundTrip) {
  for (auto s : {AccountStatus::Active, AccountStatus::Suspended})
    EXPECT_EQ(parse_account_status(to_string(s)), s);
  for (auto s : {UserStatus::Active, UserStatus::Disabled, UserStatus::Deleted})
    EXPECT_EQ(parse_user_status(to_string(s)), s);
  EXPECT_STREQ(to_string(UserStatus::Deleted), "deleted");
  EXPECT_FALSE(parse_user_status("Active").has_value());
  EXPECT_FALSE(parse_account_status("").has_value());
}

TEST(Records, ValidateUser) {
  SmtpUser u;
  u.username = "app";
  u.password_hash = "$argon2id$x";
  EXPECT_TRUE(validate_user(u).ok());
  auto bad = u;
  bad.allow_ip_mode = "log";
  EXPECT_NE(validate_user(bad).error().message.find("allow_ip_mode"), std::string::npos);
  bad = u;
  bad.quota_period = "week";
  EXPECT_FALSE(validate_user(bad).ok());
  bad = u;
  bad.quota_action = "drop";
  EXPECT_FALSE(validate_user(bad).ok());
  bad = u;
  bad.quota = -1;
  EXPECT_FALSE(validate_user(bad).ok());
  bad = u;
  bad.username = "a@b";
  EXPECT_FALSE(validate_user(bad).ok());
}

}  // namespace
}  // namespace postern::storage
