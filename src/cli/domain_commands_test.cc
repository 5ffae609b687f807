#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>

#include "cli/cli.h"
#include "dkim/dns_records.h"
#include "dkim/testing/fake_resolver.h"
#include "storage/testing/temp_dir.h"

namespace postern::cli {
namespace {

class DomainCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.data_dir = dir_.path().string();
    config_.spf_include = "_spf.relay.test";
    auto s = storage::open_store("sqlite:" + dir_.file("postern.db"));
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->create_account("acme").ok());
  }

  std::string run(const std::vector<std::string>& argv) {
    std::ostringstream out, err;
    std::istringstream in;
    Context ctx{[this]() -> storage::Store& { return *store_; }, out, err, in};
    ctx.config = [this]() -> const config::Config& { return config_; };
    ctx.resolver = [this]() -> std::unique_ptr<dns::Resolver> {
      return std::make_unique<dkim::testing::FakeResolver>(dns_);
    };
    CLI::App app("postern");
    app.require_subcommand(1);
    add_domain_commands(app, ctx);
    std::vector<std::string> args(argv.rbegin(), argv.rend());
    app.parse(args);
    return out.str();
  }
  std::string error_of(const std::vector<std::string>& argv) {
    try {
      run(argv);
    } catch (const CommandError& e) {
      return e.what();
    } catch (const CLI::ParseError& e) {
      return std::string("usage: ") + e.what();
    }
    return "";
  }

  storage::testing::TempDir dir_;
  config::Config config_;
  dkim::testing::FakeResolver dns_;
  std::unique_ptr<storage::Store> store_;
};

TEST_F(DomainCommandsTest, AddPrintsTheRecordsToPublish) {
  std::string out = run({"domain", "add", "acme", "Example.COM"});
  EXPECT_NE(out.find("added domain example.com to account acme"), std::string::npos) << out;
  EXPECT_NE(out.find("._domainkey.example.com. IN TXT \"v=DKIM1; k=rsa; p="), std::string::npos);
  EXPECT_NE(out.find("\"v=DKIM1; k=ed25519; p="), std::string::npos);
  EXPECT_NE(out.find("example.com. IN TXT \"v=spf1 include:_spf.relay.test ~all\""),
            std::string::npos);
  EXPECT_NE(out.find("_dmarc.example.com. IN TXT \"v=DMARC1; p=none; rua=mailto:dmarc@example.com\""),
            std::string::npos);
  EXPECT_EQ(out.find("PRIVATE"), std::string::npos);
  auto d = store_->find_domain("example.com");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->selectors.size(), 2u);
  EXPECT_TRUE(std::filesystem::exists(dir_.file("dkim/example.com/" + d->selectors[0].selector + ".key")));
}

TEST_F(DomainCommandsTest, AddRefusesGarbageUnknownAccountsAndDuplicates) {
  EXPECT_NE(error_of({"domain", "add", "acme", "not a domain"}).find("invalid domain"),
            std::string::npos);
  EXPECT_NE(error_of({"domain", "add", "acme", "localhost"}).find("two labels"), std::string::npos);
  EXPECT_NE(error_of({"domain", "add", "nobody", "x.example"}).find("no such account"),
            std::string::npos);
  run({"domain", "add", "acme", "example.com"});
  EXPECT_NE(error_of({"domain", "add", "acme", "example.com"}).find("already exists"),
            std::string::npos);
  EXPECT_NE(error_of({"domain", "add", "acme"}).find("usage:"), std::string::npos);
}

TEST_F(DomainCommandsTest, ListJsonAndTable) {
  run({"domain", "add", "acme", "b.example"});
  ASSERT_TRUE(store_->create_account("other").ok());
  run({"domain", "add", "other", "a.example"});
  auto all = nlohmann::json::parse(run({"domain", "list", "--json"}));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]["name"], "a.example");
  EXPECT_EQ(all[0]["verification"]["spf"], "unchecked");
  EXPECT_EQ(all[0]["records"].size(), 4u);
  EXPECT_EQ(all[0]["selectors"][0]["algorithm"], "rsa");
  auto acme = nlohmann::json::parse(run({"domain", "list", "--account", "acme", "--json"}));
  ASSERT_EQ(acme.size(), 1u);
  EXPECT_EQ(acme[0]["account"], "acme");
  std::string table = run({"domain", "list"});
  EXPECT_NE(table.find("DOMAIN"), std::string::npos);
  EXPECT_NE(table.find("b.example"), std::string::npos);
  EXPECT_NE(error_of({"domain", "list", "--account", "nobody"}).find("no such account"),
            std::string::npos);
}

TEST_F(DomainCommandsTest, VerifyReportsAndStoresTheOutcome) {
  run({"domain", "add", "acme", "example.com"});
  auto doc = nlohmann::json::parse(run({"domain", "verify", "example.com", "--json"}));
  EXPECT_EQ(doc["verified"], false);
  EXPECT_EQ(doc["spf"]["status"], "missing");
  EXPECT_EQ(doc["dkim"].size(), 2u);

  for (const auto& r : dkim::records_to_publish(*store_->find_domain("example.com"),
                                                "_spf.relay.test"))
    dns_.txt_records[r.name] = {r.value};
  doc = nlohmann::json::parse(run({"domain", "verify", "EXAMPLE.com", "--json"}));
  EXPECT_EQ(doc["verified"], true) << doc.dump(2);
  EXPECT_EQ(doc["dmarc"]["status"], "ok");
  EXPECT_TRUE(store_->find_domain("example.com")->verified());
  EXPECT_NE(run({"domain", "verify", "example.com"}).find("example.com is verified"),
            std::string::npos);
  EXPECT_NE(error_of({"domain", "verify", "nope.example"}).find("no such domain"),
            std::string::npos);
}

TEST_F(DomainCommandsTest, RemoveDeletesTheKeys) {
  run({"domain", "add", "acme", "example.com"});
  EXPECT_EQ(run({"domain", "remove", "example.com"}),
            "removed domain example.com and its DKIM keys\n");
  EXPECT_FALSE(store_->find_domain("example.com"));
  EXPECT_FALSE(std::filesystem::exists(dir_.file("dkim/example.com")));
  EXPECT_NE(error_of({"domain", "remove", "example.com"}).find("no such domain"),
            std::string::npos);
}

}  // namespace
}  // namespace postern::cli
