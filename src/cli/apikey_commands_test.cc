// `apikey add|list|revoke` driven through CLI11 over a real SqliteStore.
#include <nlohmann/json.hpp>

#include <regex>

#include "auth/api_key.h"
#include "cli/cli_test_support.h"

namespace postern::cli {
namespace {

class ApiKeyCommands : public testing::CliTest {
 protected:
  std::string key_cmd(const std::vector<std::string>& argv) {
    std::ostringstream out, err;
    std::istringstream in;
    Context ctx{[this]() -> storage::Store& { return store(); }, out, err, in};
    CLI::App app("postern");
    app.require_subcommand(1);
    add_apikey_commands(app, ctx);
    std::vector<std::string> args(argv.rbegin(), argv.rend());
    app.parse(args);
    return out.str();
  }
  std::string key_error(const std::vector<std::string>& argv) {
    try {
      key_cmd(argv);
    } catch (const CommandError& e) {
      return e.what();
    } catch (const CLI::ParseError& e) {
      return std::string("usage: ") + e.what();
    }
    return "";
  }
  // The key printed by `apikey add` (its "key: " line), or "" if there is none.
  static std::string printed_key(const std::string& out) {
    std::smatch m;
    static const std::regex line("(^|\n)key: (\\S+)\n");
    return std::regex_search(out, m, line) ? m[2].str() : "";
  }
};

TEST_F(ApiKeyCommands, AddAdminKeyPrintsItOnceAndStoresOnlyItsHash) {
  std::string out = key_cmd({"apikey", "add", "Ops"});
  std::string key = printed_key(out);
  ASSERT_TRUE(auth::looks_like_api_key(key)) << out;
  EXPECT_NE(out.find("admin key ops"), std::string::npos) << out;
  EXPECT_NE(out.find("shown only once"), std::string::npos) << out;

  auto stored = store().find_api_key_by_hash(auth::hash_api_key(key));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->name, "ops");
  EXPECT_EQ(stored->account, "");
  EXPECT_EQ(stored->prefix, key.substr(0, 12));
  EXPECT_EQ(stored->key_hash.find(key), std::string::npos);

  // Neither list form shows the key again.
  EXPECT_EQ(key_cmd({"apikey", "list"}).find(key), std::string::npos);
  EXPECT_EQ(key_cmd({"apikey", "list", "--json"}).find(key), std::string::npos);
}

TEST_F(ApiKeyCommands, AddAccountKey) {
  make_account("acme");
  std::string out = key_cmd({"apikey", "add", "crm", "--account", "ACME"});
  std::string key = printed_key(out);
  ASSERT_TRUE(auth::looks_like_api_key(key)) << out;
  EXPECT_NE(out.find("account key crm (account acme only)"), std::string::npos) << out;
  auto stored = store().find_api_key_by_hash(auth::hash_api_key(key));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->account, "acme");
  // Two keys never share a value.
  std::string other = printed_key(key_cmd({"apikey", "add", "crm2", "--account", "acme"}));
  EXPECT_NE(other, key);
}

TEST_F(ApiKeyCommands, AddRefusesUnknownAccountsDuplicatesAndBadNames) {
  EXPECT_EQ(key_error({"apikey", "add", "crm", "--account", "ghost"}), "no such account: ghost");
  key_cmd({"apikey", "add", "ops"});
  EXPECT_NE(key_error({"apikey", "add", "OPS"}).find("already exists"), std::string::npos);
  EXPECT_NE(key_error({"apikey", "add", "my key"}).find("invalid API key name"),
            std::string::npos);
  EXPECT_EQ(key_error({"apikey", "add"}).rfind("usage: ", 0), 0u);
  EXPECT_EQ(store().list_api_keys(std::nullopt).size(), 1u);
}

TEST_F(ApiKeyCommands, ListTableAndJson) {
  make_account("acme");
  key_cmd({"apikey", "add", "ops"});
  key_cmd({"apikey", "add", "crm", "--account", "acme"});
  std::string table = key_cmd({"apikey", "list"});
  EXPECT_EQ(table.rfind("NAME", 0), 0u) << table;
  EXPECT_NE(table.find("(admin)"), std::string::npos) << table;
  EXPECT_NE(table.find("acme"), std::string::npos) << table;

  auto doc = nlohmann::json::parse(key_cmd({"apikey", "list", "--json"}));
  ASSERT_TRUE(doc.is_array());
  ASSERT_EQ(doc.size(), 2u);
  EXPECT_EQ(doc[0]["name"], "crm");  // ordered by name
  EXPECT_EQ(doc[0]["account"], "acme");
  EXPECT_EQ(doc[1]["name"], "ops");
  EXPECT_TRUE(doc[1]["account"].is_null());
  for (const auto& k : doc) {
    EXPECT_EQ(k.size(), 5u) << k.dump();  // name account prefix created_at last_used_at
    EXPECT_EQ(k["prefix"].get<std::string>().rfind("pk_", 0), 0u);
    EXPECT_EQ(k["prefix"].get<std::string>().size(), 12u);
    EXPECT_TRUE(k["created_at"].is_string());
    EXPECT_TRUE(k["last_used_at"].is_null());
  }
  auto ops = store().list_api_keys(std::string(""));
  ASSERT_EQ(ops.size(), 1u);
  store().touch_api_key(ops[0].id, 1'800'000'000'000);
  doc = nlohmann::json::parse(key_cmd({"apikey", "list", "--json"}));
  EXPECT_EQ(doc[1]["last_used_at"], "2027-01-15T08:00:00.000Z");
}

TEST_F(ApiKeyCommands, RevokeMakesTheKeyUnusableAndFreesTheName) {
  std::string key = printed_key(key_cmd({"apikey", "add", "ops"}));
  ASSERT_FALSE(key.empty());
  EXPECT_EQ(key_cmd({"apikey", "revoke", "OPS"}), "revoked API key ops\n");
  EXPECT_FALSE(store().find_api_key_by_hash(auth::hash_api_key(key)).has_value());
  EXPECT_EQ(nlohmann::json::parse(key_cmd({"apikey", "list", "--json"})).size(), 0u);
  EXPECT_EQ(key_error({"apikey", "revoke", "ops"}), "no such API key: ops");
  EXPECT_TRUE(auth::looks_like_api_key(printed_key(key_cmd({"apikey", "add", "ops"}))));
}

}  // namespace
}  // namespace postern::cli
