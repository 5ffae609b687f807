// `account add|list|suspend|resume` driven through CLI11 over a real SqliteStore.
#include <nlohmann/json.hpp>

#include "cli/cli_test_support.h"

namespace postern::cli {
namespace {

using AccountCommands = testing::CliTest;

TEST_F(AccountCommands, AddAndList) {
  EXPECT_EQ(run({"account", "add", "acme"}), "created account acme\n");
  EXPECT_EQ(run({"account", "add", "Beta"}), "created account beta\n");
  std::string table = run({"account", "list"});
  EXPECT_EQ(table.rfind("NAME", 0), 0u) << table;
  EXPECT_NE(table.find("acme"), std::string::npos);
  EXPECT_NE(table.find("beta"), std::string::npos);

  auto doc = nlohmann::json::parse(run({"account", "list", "--json"}));
  ASSERT_TRUE(doc.is_array());
  ASSERT_EQ(doc.size(), 2u);
  for (const auto& a : doc) {
    EXPECT_EQ(a["status"], "active");
    EXPECT_TRUE(a["created_at"].is_string());
    EXPECT_TRUE(a["suspend_reason"].is_null());
  }
}

TEST_F(AccountCommands, AddRefusesDuplicatesAndBadNames) {
  run({"account", "add", "acme"});
  EXPECT_EQ(error_of({"account", "add", "ACME"}), "account acme already exists");
  EXPECT_NE(error_of({"account", "add", "acme corp"}).find("invalid account name"),
            std::string::npos);
  EXPECT_EQ(error_of({"account", "add"}).rfind("usage: ", 0), 0u);
  EXPECT_EQ(error_of({"account"}).rfind("usage: ", 0), 0u);
}

TEST_F(AccountCommands, SuspendAndResume) {
  make_account("acme");
  EXPECT_EQ(run({"account", "suspend", "acme", "--reason", "unpaid invoice"}),
            "suspended account acme (reason: unpaid invoice)\n");
  auto account = store().find_account("acme");
  ASSERT_TRUE(account);
  EXPECT_EQ(account->status, storage::AccountStatus::Suspended);
  EXPECT_EQ(account->suspend_reason, "unpaid invoice");
  auto doc = nlohmann::json::parse(run({"account", "list", "--json"}));
  EXPECT_EQ(doc[0]["status"], "suspended");
  EXPECT_EQ(doc[0]["suspend_reason"], "unpaid invoice");

  EXPECT_EQ(run({"account", "resume", "acme"}), "resumed account acme\n");
  EXPECT_EQ(store().find_account("acme")->status, storage::AccountStatus::Active);
  EXPECT_EQ(error_of({"account", "suspend", "nope"}), "no such account: nope");
  EXPECT_EQ(error_of({"account", "resume", "nope"}), "no such account: nope");
}

}  // namespace
}  // namespace postern::cli
