// `suppression add|remove|list|import|export` and `account set --rate` through CLI11 over a
// real SqliteStore; `user show` with the quota usage.
#include <nlohmann/json.hpp>

#include <fstream>

#include "cli/cli_test_support.h"
#include "cli/csv.h"
#include "policy/rate.h"

namespace postern::cli {
namespace {

class SuppressionCommands : public testing::CliTest {
 protected:
  std::string sup(const std::vector<std::string>& argv) {
    std::ostringstream out, err;
    std::istringstream in;
    Context ctx{[this]() -> storage::Store& { return store(); }, out, err, in};
    CLI::App app("postern");
    app.require_subcommand(1);
    add_suppression_commands(app, ctx);
    std::vector<std::string> args(argv.rbegin(), argv.rend());
    app.parse(args);
    return out.str();
  }
  std::string sup_error(const std::vector<std::string>& argv) {
    try {
      sup(argv);
    } catch (const CommandError& e) {
      return e.what();
    } catch (const CLI::ParseError& e) {
      return std::string("usage: ") + e.what();
    }
    return "";
  }
  std::string file(const std::string& name, const std::string& text) {
    std::string path = ::testing::TempDir() + "/" + new_uuid() + "-" + name;
    std::ofstream(path) << text;
    return path;
  }
};

TEST_F(SuppressionCommands, AddListRemove) {
  make_account("acme");
  EXPECT_EQ(sup({"suppression", "add", "acme", "Bob@Example.com", "--reason", "complaint"}),
            "suppressed Bob@Example.com (account acme)\n");
  EXPECT_EQ(sup({"suppression", "add", "acme", "bob@example.com"}),
            "already suppressed: bob@example.com (account acme)\n");
  auto doc = nlohmann::json::parse(sup({"suppression", "list", "acme", "--json"}));
  ASSERT_EQ(doc.size(), 1u);
  EXPECT_EQ(doc[0]["address"], "bob@example.com");
  EXPECT_EQ(doc[0]["reason"], "complaint");
  EXPECT_TRUE(doc[0]["created_at"].is_string());
  EXPECT_NE(sup({"suppression", "list", "acme"}).find("bob@example.com"), std::string::npos);
  EXPECT_EQ(sup({"suppression", "remove", "acme", "BOB@example.com"}),
            "removed BOB@example.com from the suppression list of account acme\n");
  EXPECT_NE(sup_error({"suppression", "remove", "acme", "bob@example.com"}).find("not on"),
            std::string::npos);
}

TEST_F(SuppressionCommands, Errors) {
  make_account("acme");
  EXPECT_EQ(sup_error({"suppression", "add", "nobody", "a@b.example"}), "no such account: nobody");
  EXPECT_NE(sup_error({"suppression", "add", "acme", "not an address"}).find("invalid email"),
            std::string::npos);
  EXPECT_EQ(sup_error({"suppression", "add", "acme"}).rfind("usage: ", 0), 0u);
  EXPECT_EQ(sup_error({"suppression", "import", "acme", "/nonexistent.csv"}),
            "cannot read /nonexistent.csv");
}

TEST_F(SuppressionCommands, ImportIsIdempotentAndExportRoundTrips) {
  make_account("acme");
  make_account("beta");
  std::string csv = file("in.csv",
                         "address,reason,created_at\r\n"
                         "a@example.com,hard_bounce,2026-01-02T03:04:05.000Z\r\n"
                         "\"b@example.com\",\"says \"\"stop\"\", twice\",\r\n"
                         "c@example.com\r\n\r\n");
  EXPECT_EQ(sup({"suppression", "import", "acme", csv}),
            "imported 3 new of 3 addresses into account acme\n");
  EXPECT_EQ(sup({"suppression", "import", "acme", csv}),
            "imported 0 new of 3 addresses into account acme\n");
  std::string exported = sup({"suppression", "export", "acme"});
  auto records = parse_csv(exported);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 4u);
  EXPECT_EQ((*records)[0], (std::vector<std::string>{"address", "reason", "created_at"}));
  EXPECT_EQ((*records)[1], (std::vector<std::string>{"a@example.com", "hard_bounce",
                                                     "2026-01-02T03:04:05.000Z"}));
  EXPECT_EQ((*records)[2][1], "says \"stop\", twice");
  EXPECT_EQ((*records)[3][1], "import");
  // Export to a file, import into another account: the same list.
  std::string out = ::testing::TempDir() + "/" + new_uuid() + ".csv";
  EXPECT_EQ(sup({"suppression", "export", "acme", out}), "exported 3 addresses to " + out + "\n");
  EXPECT_EQ(sup({"suppression", "import", "beta", out}),
            "imported 3 new of 3 addresses into account beta\n");
  EXPECT_EQ(sup({"suppression", "export", "beta"}), exported);
}

TEST_F(SuppressionCommands, ImportRefusesABadRecordWholly) {
  make_account("acme");
  std::string csv = file("bad.csv", "a@example.com\nnonsense\n");
  EXPECT_NE(sup_error({"suppression", "import", "acme", csv}).find("record 2"), std::string::npos);
  EXPECT_TRUE(store().list_suppressions("acme")->empty());
  csv = file("bad2.csv", "a@example.com,x,yesterday\n");
  EXPECT_NE(sup_error({"suppression", "import", "acme", csv}).find("created_at"), std::string::npos);
}

TEST_F(SuppressionCommands, AccountRate) {
  EXPECT_EQ(run({"account", "add", "acme", "--rate", "1000/h"}), "created account acme\n");
  auto acme = store().find_account("acme");
  EXPECT_EQ(store().account_rate(acme->id), "1000/h");
  EXPECT_EQ(run({"account", "set", "acme", "--rate", "50/m"}), "updated account acme: rate 50/m\n");
  auto doc = nlohmann::json::parse(run({"account", "list", "--json"}));
  EXPECT_EQ(doc[0]["rate"], "50/m");
  EXPECT_EQ(run({"account", "set", "acme", "--rate", "none"}), "updated account acme: rate none\n");
  EXPECT_NE(error_of({"account", "set", "acme", "--rate", "fast"}).find("invalid rate"),
            std::string::npos);
  EXPECT_NE(error_of({"account", "add", "beta", "--rate", "0/m"}).find("invalid rate"),
            std::string::npos);
  EXPECT_FALSE(store().find_account("beta").has_value());  // nothing created on a bad rate
  EXPECT_EQ(error_of({"account", "set", "nobody", "--rate", "1/s"}), "no such account: nobody");
}

TEST_F(SuppressionCommands, UserShowHasTheQuotaUsage) {
  auto acme = make_account("acme");
  auto u = make_user(acme, "app");
  const Millis period = policy::quota_period_start("day", now_ms());
  ASSERT_TRUE(store().charge_quota(u.id, period, 7, 0).ok());
  auto doc = nlohmann::json::parse(run({"user", "show", "app", "--json"}));
  EXPECT_EQ(doc["quota_used"], 7);
  EXPECT_EQ(doc["quota_period_start"], format_iso8601(period));
  EXPECT_NE(run({"user", "show", "app"}).find("quota_used:              7 since "),
            std::string::npos);
}

}  // namespace
}  // namespace postern::cli
