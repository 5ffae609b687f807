// The DomainStore part of SqliteStore (its tests live beside the dkim code that owns them).
#include <gtest/gtest.h>

#include "storage/sqlite/sqlite_store.h"
#include "storage/testing/temp_dir.h"

namespace postern::storage {
namespace {

class DomainStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = sqlite::SqliteStore::open(dir_.file("postern.db"));
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->create_account("acme").ok());
    ASSERT_TRUE(store_->create_account("other").ok());
  }
  std::vector<DkimSelector> selectors() {
    return {{"pstrn-ed-202611", DkimAlgorithm::Ed25519, "EDKEY", 5},
            {"pstrn-rsa-202611", DkimAlgorithm::Rsa, "RSAKEY", 0}};
  }
  testing::TempDir dir_;
  std::unique_ptr<sqlite::SqliteStore> store_;
};

TEST_F(DomainStoreTest, AddFindAndSelectorsRsaFirst) {
  auto d = store_->add_domain("ACME", "Mail.Example.COM.", selectors());
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->name, "mail.example.com");
  EXPECT_EQ(d->account, "acme");
  EXPECT_GT(d->created_at, 0);
  ASSERT_EQ(d->selectors.size(), 2u);
  EXPECT_EQ(d->selectors[0].algorithm, DkimAlgorithm::Rsa);
  EXPECT_EQ(d->selectors[0].public_key, "RSAKEY");
  EXPECT_EQ(d->selectors[0].created_at, d->created_at);  // 0 -> now
  EXPECT_EQ(d->selectors[1].created_at, 5);
  EXPECT_EQ(d->verification.spf, CheckStatus::Unchecked);
  auto found = store_->find_domain("MAIL.example.com");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->selectors.size(), 2u);
}

TEST_F(DomainStoreTest, ANameBelongsToOneAccount) {
  ASSERT_TRUE(store_->add_domain("acme", "example.com", selectors()).ok());
  auto dup = store_->add_domain("other", "EXAMPLE.com", {});
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message.find("already exists"), std::string::npos);
  EXPECT_FALSE(store_->add_domain("nobody", "x.example", {}).ok());
  EXPECT_FALSE(store_->add_domain("acme", "not a domain", {}).ok());
}

TEST_F(DomainStoreTest, DomainOfAccountAndList) {
  ASSERT_TRUE(store_->add_domain("acme", "b.example", {}).ok());
  ASSERT_TRUE(store_->add_domain("acme", "a.example", selectors()).ok());
  ASSERT_TRUE(store_->add_domain("other", "c.example", {}).ok());
  EXPECT_TRUE(store_->domain_of_account("acme", "A.example"));
  EXPECT_FALSE(store_->domain_of_account("other", "a.example"));
  EXPECT_FALSE(store_->domain_of_account("acme", "c.example"));
  auto acme = store_->list_domains(std::string("acme"));
  ASSERT_EQ(acme.size(), 2u);
  EXPECT_EQ(acme[0].name, "a.example");
  EXPECT_EQ(acme[0].selectors.size(), 2u);
  EXPECT_EQ(store_->list_domains(std::nullopt).size(), 3u);
}

TEST_F(DomainStoreTest, RemoveTakesTheSelectorsAlong) {
  ASSERT_TRUE(store_->add_domain("acme", "example.com", selectors()).ok());
  ASSERT_TRUE(store_->remove_domain("EXAMPLE.com").ok());
  EXPECT_FALSE(store_->find_domain("example.com"));
  EXPECT_FALSE(store_->remove_domain("example.com").ok());
  auto again = store_->add_domain("other", "example.com", {});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->selectors.empty());
}

TEST_F(DomainStoreTest, SetVerification) {
  ASSERT_TRUE(store_->add_domain("acme", "example.com", {}).ok());
  DomainVerification v{CheckStatus::Ok, CheckStatus::Mismatch, CheckStatus::Missing, 1234};
  ASSERT_TRUE(store_->set_verification("example.com", v).ok());
  auto d = store_->find_domain("example.com");
  EXPECT_EQ(d->verification.spf, CheckStatus::Ok);
  EXPECT_EQ(d->verification.dkim, CheckStatus::Mismatch);
  EXPECT_EQ(d->verification.dmarc, CheckStatus::Missing);
  EXPECT_EQ(d->verification.checked_at, 1234);
  EXPECT_FALSE(d->verified());
  EXPECT_FALSE(store_->set_verification("nope.example", v).ok());
}

TEST(DomainName, Normalisation) {
  EXPECT_EQ(normalize_domain_name("Example.COM.").value(), "example.com");
  EXPECT_EQ(normalize_domain_name("xn--bcher-kva.example").value(), "xn--bcher-kva.example");
  for (const char* bad : {"", "com", "a..b", "-a.com", "a-.com", "a_b.com", "1.2.3.4",
                          "a b.com", "bücher.example", "a/b.com", ".."})
    EXPECT_FALSE(normalize_domain_name(bad).ok()) << bad;
  EXPECT_FALSE(normalize_domain_name(std::string(64, 'a') + ".com").ok());
}

}  // namespace
}  // namespace postern::storage
