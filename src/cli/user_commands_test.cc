// `user add|set|passwd|disable|enable|delete|show|list` driven through CLI11 over a real
// SqliteStore. Argon2id costs ~80 ms per hash: users that need no real password are written
// straight to the store (make_user) and the password tests hash as little as they can.
#include <nlohmann/json.hpp>

#include "auth/password_hash.h"
#include "cli/cli_test_support.h"

namespace postern::cli {
namespace {

using UserCommands = testing::CliTest;

// The value of the one "password: " line; fails the test when there is not exactly one.
std::string printed_password(const std::string& out) {
  std::size_t at = out.find("password: ");
  EXPECT_NE(at, std::string::npos) << out;
  if (at == std::string::npos) return "";
  EXPECT_EQ(out.find("password: ", at + 1), std::string::npos) << out;
  std::size_t end = out.find('\n', at);
  return out.substr(at + 10, end - at - 10);
}

TEST_F(UserCommands, AddWithPasswordFromStdin) {
  make_account("acme");
  std::string out = run({"user", "add", "acme", "CRM-Mailer", "--password-stdin"},
                        " correct horse \r\nignored\n");
  storage::SmtpUser u = user("crm-mailer");
  EXPECT_EQ(out, "created user crm-mailer (uuid " + u.uuid + ") in account acme\n");
  EXPECT_EQ(u.account_name, "acme");
  EXPECT_EQ(u.status, storage::UserStatus::Active);
  EXPECT_TRUE(auth::verify_password(u.password_hash, " correct horse "));
  // The length error comes from auth::hash_password and never echoes the password.
  std::string too_short = error_of({"user", "add", "acme", "other", "--password-stdin"}, "short\n");
  EXPECT_NE(too_short.find('8'), std::string::npos) << too_short;
  EXPECT_EQ(too_short.find("short"), std::string::npos) << too_short;
  EXPECT_FALSE(store().find_user("other").has_value());
}

TEST_F(UserCommands, AddGeneratesAndPrintsThePasswordOnce) {
  make_account("acme");
  std::string out = run({"user", "add", "acme", "app1", "--generate"});
  std::string password = printed_password(out);
  EXPECT_EQ(password.size(), 24u);
  EXPECT_TRUE(auth::verify_password(user("app1").password_hash, password));
  EXPECT_EQ(error_of({"user", "add", "acme", "app2", "--generate", "--password-stdin"})
                .rfind("usage: ", 0), 0u);
}

TEST_F(UserCommands, AddRefusesBadInputBeforeHashing) {
  make_account("acme");
  make_user(store().find_account("acme").value(), "taken");
  EXPECT_NE(error_of({"user", "add", "acme", "crm@example.com"}).find("not email addresses"),
            std::string::npos);
  EXPECT_EQ(error_of({"user", "add", "nope", "app"}), "no such account: nope");
  EXPECT_NE(error_of({"user", "add", "acme", "app", "--allow-ip", "192.0.2.7/24"}).find("192.0.2"),
            std::string::npos);
  EXPECT_NE(error_of({"user", "add", "acme", "app", "--rate", "100/w"}).find("invalid rate"),
            std::string::npos);
  EXPECT_EQ(error_of({"user", "add", "acme", "app", "--mode", "all"}).rfind("usage: ", 0), 0u);
  EXPECT_EQ(error_of({"user", "add", "acme", "Taken"}), "user taken already exists (account acme)");
  EXPECT_FALSE(store().find_user("app").has_value());
}

TEST_F(UserCommands, ShowNeverPrintsHashOrPassword) {
  make_account("acme");
  const std::string password = "s3cret-Password";
  run({"user", "add", "acme", "crm", "--password-stdin", "--allow-ip", "192.0.2.0/24",
       "--allow-ip", "2001:db8::1", "--domain", "Example.COM", "--mode", "account", "--quota",
       "1000", "--quota-period", "month", "--quota-action", "reject", "--rate", "100/m",
       "--allow-ip-mode", "report"},
      password + "\n");
  std::string text = run({"user", "show", "crm", "--json"});
  auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["username"], "crm");
  EXPECT_EQ(j["account"], "acme");
  EXPECT_EQ(j["status"], "active");
  EXPECT_EQ(j["allow_ips"], (nlohmann::json{"192.0.2.0/24", "2001:db8::1/128"}));
  EXPECT_EQ(j["allow_ip_mode"], "report");
  EXPECT_EQ(j["mode"], "account");
  EXPECT_EQ(j["domains"], nlohmann::json{"example.com"});
  EXPECT_EQ(j["quota"], 1000);
  EXPECT_EQ(j["quota_period"], "month");
  EXPECT_EQ(j["quota_action"], "reject");
  EXPECT_EQ(j["rate"], "100/m");
  EXPECT_TRUE(j["last_login_at"].is_null());
  EXPECT_TRUE(j["created_at"].is_string());
  EXPECT_EQ(j["uuid"], user("crm").uuid);
  std::string human = run({"user", "show", "CRM"});
  for (const std::string& shown : {text, human}) {
    EXPECT_EQ(shown.find("argon2"), std::string::npos);
    EXPECT_EQ(shown.find("hash"), std::string::npos);
    EXPECT_EQ(shown.find(password), std::string::npos);
  }
  EXPECT_NE(human.find("mode:"), std::string::npos);
  EXPECT_EQ(error_of({"user", "show", "nobody"}), "no such user: nobody");
}

TEST_F(UserCommands, SetReplacesAndClearsLists) {
  auto acme = make_account("acme");
  make_user(acme, "app");
  run({"user", "set", "app", "--allow-ip", "192.0.2.1,192.0.2.2", "--domain", "a.example"});
  EXPECT_EQ(user("app").allow_ips, (std::vector<std::string>{"192.0.2.1/32", "192.0.2.2/32"}));
  EXPECT_EQ(run({"user", "set", "app", "--allow-ip", "198.51.100.0/24"}), "updated user app\n");
  EXPECT_EQ(user("app").allow_ips, std::vector<std::string>{"198.51.100.0/24"});
  EXPECT_EQ(user("app").domains, std::vector<std::string>{"a.example"});  // untouched
  run({"user", "set", "app", "--domain", "b.example", "--domain", "c.example"});
  EXPECT_EQ(user("app").domains, (std::vector<std::string>{"b.example", "c.example"}));
  run({"user", "set", "app", "--clear-ips", "--clear-domains", "--rate", "none"});
  EXPECT_TRUE(user("app").allow_ips.empty());
  EXPECT_TRUE(user("app").domains.empty());
  EXPECT_EQ(user("app").rate, "");
  EXPECT_EQ(error_of({"user", "set", "app", "--clear-ips", "--allow-ip", "192.0.2.1"})
                .rfind("usage: ", 0), 0u);
  EXPECT_NE(error_of({"user", "set", "app", "--allow-ip", "300.1.1.1"}), "");
  EXPECT_NE(error_of({"user", "set", "app"}).find("nothing to change"), std::string::npos);
  EXPECT_EQ(error_of({"user", "set", "ghost", "--quota", "5"}), "no such user: ghost");
}

TEST_F(UserCommands, SetRenames) {
  auto acme = make_account("acme");
  make_user(acme, "old-name");
  make_user(acme, "other");
  EXPECT_EQ(error_of({"user", "set", "old-name", "--rename", "Other"}),
            "user other already exists (account acme)");
  EXPECT_NE(error_of({"user", "set", "old-name", "--rename", "a@b.c"}).find("not email"),
            std::string::npos);
  std::string uuid = user("old-name").uuid;
  EXPECT_EQ(run({"user", "set", "old-name", "--rename", "New-Name"}),
            "updated user new-name (renamed from old-name)\n");
  EXPECT_EQ(user("new-name").uuid, uuid);
  EXPECT_FALSE(store().find_user("old-name").has_value());
}

TEST_F(UserCommands, PasswdWithGraceKeepsThePreviousHash) {
  make_account("acme");
  run({"user", "add", "acme", "app", "--password-stdin"}, "first-password\n");
  std::string first_hash = user("app").password_hash;
  EXPECT_NE(error_of({"user", "passwd", "app", "--grace", "soon"}).find("invalid --grace"),
            std::string::npos);

  Millis before = now_ms();
  std::string out =
      run({"user", "passwd", "app", "--password-stdin", "--grace", "24h"}, "second-password\n");
  EXPECT_NE(out.find("previous password stays valid until"), std::string::npos) << out;
  EXPECT_EQ(out.find("password: "), std::string::npos);
  storage::SmtpUser u = user("app");
  EXPECT_TRUE(auth::verify_password(u.password_hash, "second-password"));
  EXPECT_EQ(u.previous_password_hash, first_hash);
  EXPECT_GE(u.previous_password_until, before + 86'400'000);
  EXPECT_LE(u.previous_password_until, now_ms() + 86'400'000);

  // Without --grace: generated (the default) and the previous password is gone at once.
  out = run({"user", "passwd", "app"});
  std::string password = printed_password(out);
  u = user("app");
  EXPECT_TRUE(auth::verify_password(u.password_hash, password));
  EXPECT_EQ(u.previous_password_hash, "");
  EXPECT_EQ(u.previous_password_until, 0);
}

TEST_F(UserCommands, DisableEnableDelete) {
  auto acme = make_account("acme");
  make_user(acme, "app");
  EXPECT_EQ(run({"user", "disable", "app"}), "disabled user app\n");
  EXPECT_EQ(user("app").status, storage::UserStatus::Disabled);
  EXPECT_EQ(run({"user", "disable", "app"}), "user app is already disabled\n");
  EXPECT_EQ(run({"user", "enable", "app"}), "enabled user app\n");
  EXPECT_EQ(user("app").status, storage::UserStatus::Active);
  EXPECT_EQ(run({"user", "delete", "app"}), "deleted user app\n");
  EXPECT_EQ(user("app").status, storage::UserStatus::Deleted);  // the row stays
  EXPECT_EQ(error_of({"user", "enable", "app"}), "user app is deleted");
  EXPECT_EQ(error_of({"user", "delete", "app"}), "user app is deleted");
  EXPECT_EQ(error_of({"user", "set", "app", "--quota", "1"}), "user app is deleted");
  EXPECT_EQ(nlohmann::json::parse(run({"user", "show", "app", "--json"}))["status"], "deleted");
  EXPECT_EQ(error_of({"user", "disable", "ghost"}), "no such user: ghost");

  // The name of a deleted user may be used again.
  run({"user", "add", "acme", "app", "--password-stdin"}, "a-new-password\n");
  EXPECT_EQ(user("app").status, storage::UserStatus::Active);
}

TEST_F(UserCommands, ListFiltersByAccountAndHidesDeleted) {
  auto acme = make_account("acme");
  auto beta = make_account("beta");
  make_user(acme, "a1");
  make_user(acme, "a2");
  make_user(beta, "b1");
  run({"user", "delete", "a2"});

  auto all = nlohmann::json::parse(run({"user", "list", "--json"}));
  ASSERT_TRUE(all.is_array());
  EXPECT_EQ(all.size(), 2u);
  auto acme_users = nlohmann::json::parse(run({"user", "list", "--account", "acme", "--json"}));
  ASSERT_EQ(acme_users.size(), 1u);
  EXPECT_EQ(acme_users[0]["username"], "a1");
  for (const auto& u : all) EXPECT_FALSE(u.contains("password_hash"));

  std::string table = run({"user", "list"});
  EXPECT_EQ(table.rfind("USERNAME", 0), 0u) << table;
  EXPECT_NE(table.find("b1"), std::string::npos);
  EXPECT_EQ(table.find("a2"), std::string::npos);
  EXPECT_EQ(error_of({"user", "list", "--account", "nope"}), "no such account: nope");
}

}  // namespace
}  // namespace postern::cli
