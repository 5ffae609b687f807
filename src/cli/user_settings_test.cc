// Pure helpers of the cli module: value validation, settings application, password input,
// JSON shapes and tables. No store, no Argon2id.
#include <gtest/gtest.h>

#include <sstream>

#include "cli/json_output.h"
#include "cli/options.h"
#include "cli/text_table.h"
#include "cli/user_settings.h"

namespace postern::cli {
namespace {

TEST(UserSettings, RateAcceptsNPerPeriod) {
  for (const char* good : {"1/s", "100/m", "5000/h", "100000/d"}) {
    auto r = normalize_rate(good);
    ASSERT_TRUE(r.ok()) << good;
    EXPECT_EQ(*r, good);
  }
  EXPECT_EQ(*normalize_rate("none"), "");
  EXPECT_EQ(*normalize_rate(""), "");
  for (const char* bad : {"100", "0/m", "-1/m", "100/w", "100/mm", "/m", "x/m", "100/", "1 /m"})
    EXPECT_FALSE(normalize_rate(bad).ok()) << bad;
  EXPECT_NE(normalize_rate("5/w").error().message.find("N/PERIOD"), std::string::npos);
}

TEST(UserSettings, DomainsAreLowerCasedAndChecked) {
  auto d = normalize_domains({"Example.COM.", "mail.example.com", "example.com"});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, (std::vector<std::string>{"example.com", "mail.example.com"}));
  for (const char* bad : {"localhost", "-a.com", "a-.com", "a..com", "a_b.com", "a@b.com", ""})
    EXPECT_FALSE(normalize_domains({bad}).ok()) << bad;
}

TEST(UserSettings, ChoiceErrorNamesTheChoices) {
  EXPECT_TRUE(check_choice("mode", "any", kSenderModes).ok());
  Status s = check_choice("mode", "all", kSenderModes);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "invalid mode 'all': expected assigned, account or any");
}

TEST(UserSettings, UsernamesAreLowerCasedAndNeverEmailAddresses) {
  EXPECT_EQ(*normalize_username("CRM-Mailer"), "crm-mailer");
  auto r = normalize_username("crm@example.com");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not email addresses"), std::string::npos);
  EXPECT_FALSE(normalize_username("-x").ok());
  EXPECT_FALSE(normalize_account_name("Acme Corp").ok());
  EXPECT_EQ(*normalize_account_name("Acme"), "acme");
}

TEST(UserSettings, AllowIpsAreCanonicalAndBounded) {
  auto ips = canonical_allow_ips({"192.0.2.7", "2001:db8::/32", "::ffff:198.51.100.1"});
  ASSERT_TRUE(ips.ok()) << ips.error().message;
  EXPECT_EQ(*ips, (std::vector<std::string>{"192.0.2.7/32", "2001:db8::/32", "198.51.100.1/32"}));
  EXPECT_FALSE(canonical_allow_ips({"192.0.2.7/24"}).ok());
  EXPECT_FALSE(canonical_allow_ips({"not-an-ip"}).ok());
  std::vector<std::string> many;
  for (int i = 0; i < 51; ++i) many.push_back("10.0.0." + std::to_string(i));
  EXPECT_FALSE(canonical_allow_ips(many).ok());
}

TEST(UserSettings, ApplyIsAllOrNothing) {
  storage::SmtpUser user;
  UserSettings s;
  s.allow_ips = std::vector<std::string>{"192.0.2.0/24"};
  s.mode = "account";
  s.rate = "10/w";  // invalid: nothing may be written
  EXPECT_FALSE(apply_user_settings(s, user).ok());
  EXPECT_TRUE(user.allow_ips.empty());
  EXPECT_EQ(user.mode, "assigned");

  s.rate = "10/m";
  s.quota = 500;
  s.quota_period = "month";
  s.quota_action = "reject";
  s.allow_ip_mode = "report";
  s.domains = std::vector<std::string>{"Example.com"};
  ASSERT_TRUE(apply_user_settings(s, user).ok());
  EXPECT_EQ(user.allow_ips, std::vector<std::string>{"192.0.2.0/24"});
  EXPECT_EQ(user.mode, "account");
  EXPECT_EQ(user.rate, "10/m");
  EXPECT_EQ(user.quota, 500);
  EXPECT_EQ(user.quota_period, "month");
  EXPECT_EQ(user.quota_action, "reject");
  EXPECT_EQ(user.allow_ip_mode, "report");
  EXPECT_EQ(user.domains, std::vector<std::string>{"example.com"});

  UserSettings bad_quota;
  bad_quota.quota = -1;
  EXPECT_FALSE(apply_user_settings(bad_quota, user).ok());
  UserSettings bad_period;
  bad_period.quota_period = "week";
  EXPECT_FALSE(apply_user_settings(bad_period, user).ok());
  EXPECT_EQ(user.quota_period, "month");
}

TEST(PasswordInput, StripsOnlyTheLineEnd) {
  std::istringstream crlf("  pass word \r\nnext line\n");
  EXPECT_EQ(read_password_line(crlf).reveal(), "  pass word ");
  std::istringstream no_newline("hunter2hunter2");
  EXPECT_EQ(read_password_line(no_newline).reveal(), "hunter2hunter2");
  std::istringstream two_cr("pw\r\r\n");
  EXPECT_EQ(read_password_line(two_cr).reveal(), "pw\r");
  std::istringstream empty("");
  EXPECT_THROW(read_password_line(empty), CommandError);
}

TEST(PasswordInput, GenerateIsTheDefault) {
  std::istringstream in("from-stdin-password\n");
  NewPassword p = obtain_password(PasswordFlags{}, in);
  EXPECT_TRUE(p.generated);
  EXPECT_EQ(p.secret.size(), 24u);
  NewPassword q = obtain_password(PasswordFlags{true, false}, in);
  EXPECT_FALSE(q.generated);
  EXPECT_EQ(q.secret.reveal(), "from-stdin-password");
}

TEST(JsonOutput, UserHasNoHashAndNullTimes) {
  storage::SmtpUser u;
  u.username = "crm-mailer";
  u.password_hash = "$argon2id$current";
  u.previous_password_hash = "$argon2id$previous";
  u.previous_password_until = 1795806131123;
  u.created_at = 1795806131123;
  nlohmann::json j = user_to_json(u);
  std::string text = j.dump();
  EXPECT_EQ(text.find("argon2"), std::string::npos);
  EXPECT_EQ(text.find("hash"), std::string::npos);
  EXPECT_EQ(j["created_at"], "2026-11-27T19:02:11.123Z");
  EXPECT_TRUE(j["last_login_at"].is_null());
  EXPECT_TRUE(j["rate"].is_null());
  EXPECT_EQ(j["previous_password_until"], "2026-11-27T19:02:11.123Z");
  EXPECT_EQ(j["version"], 1);
}

TEST(TextTable, PadsColumns) {
  TextTable t({"NAME", "STATUS"});
  t.add_row({"acme-corporation", "active"});
  t.add_row({"b"});
  std::ostringstream out;
  t.print(out);
  EXPECT_EQ(out.str(),
            "NAME              STATUS\n"
            "acme-corporation  active\n"
            "b\n");
}

}  // namespace
}  // namespace postern::cli
