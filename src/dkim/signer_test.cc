#include "dkim/signer.h"

#include <gtest/gtest.h>

#include <thread>

#include "dkim/domains.h"
#include "dkim/testing/dkim_check.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/testing/temp_dir.h"

namespace postern::dkim {
namespace {

struct FixedClock final : Clock {
  Millis now_ms() const override { return 1'795'000'000'000; }
};

class SignerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = storage::sqlite::SqliteStore::open(dir_.file("postern.db"));
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->create_account("acme").ok());
    ASSERT_TRUE(store_->create_account("other").ok());
    auto d = add_domain_with_keys(*store_, keys_, "acme", "Example.com", clock_.now_ms());
    ASSERT_TRUE(d.ok()) << d.error().message;
    domain_ = d.value();
    signer_ = make_signer(*store_, dir_.path().string(), clock_);
  }
  std::string pub(storage::DkimAlgorithm a) const {
    for (const auto& s : domain_.selectors)
      if (s.algorithm == a) return s.public_key;
    return "";
  }

  storage::testing::TempDir dir_;
  FixedClock clock_;
  KeyStore keys_{dir_.path().string()};
  std::unique_ptr<storage::sqlite::SqliteStore> store_;
  storage::Domain domain_;
  std::unique_ptr<Signer> signer_;
};

const std::string kMsg =
    "From: Ann <ann@EXAMPLE.com>\r\nTo: b@x.example\r\nSubject: s\r\n\r\nbody\r\n";

TEST_F(SignerTest, SignsWithRsaThenEd25519) {
  std::string headers = signer_->sign("acme", kMsg);
  std::string msg = headers + kMsg;
  ASSERT_EQ(msg.find("DKIM-Signature:"), 0u);
  EXPECT_NE(headers.find("a=rsa-sha256"), std::string::npos);
  EXPECT_LT(headers.find("a=rsa-sha256"), headers.find("a=ed25519-sha256"));
  EXPECT_NE(headers.find("t=1795000000;"), std::string::npos);
  EXPECT_NE(headers.find("d=example.com;"), std::string::npos);
  EXPECT_EQ(testing::verify_signature(msg, pub(storage::DkimAlgorithm::Rsa), 0), "");
  EXPECT_EQ(testing::verify_signature(msg, pub(storage::DkimAlgorithm::Ed25519), 1), "");
  EXPECT_EQ(headers.substr(headers.size() - 2), "\r\n");
}

TEST_F(SignerTest, OnlyTheAccountsOwnDomains) {
  EXPECT_EQ(signer_->sign("other", kMsg), "");
  EXPECT_EQ(signer_->sign("acme", "From: a@other.example\r\n\r\nx"), "");
  EXPECT_EQ(signer_->sign("acme", "From: a@example.com\r\nFrom: b@example.com\r\n\r\nx"), "");
  EXPECT_EQ(signer_->sign("acme", "Subject: no from\r\n\r\nx"), "");
}

TEST_F(SignerTest, RemovedDomainIsNoLongerSignedAndKeysAreGone) {
  ASSERT_FALSE(signer_->sign("acme", kMsg).empty());
  ASSERT_TRUE(remove_domain_with_keys(*store_, keys_, "example.com").ok());
  EXPECT_EQ(signer_->sign("acme", kMsg), "");
  EXPECT_FALSE(std::filesystem::exists(keys_.domain_dir("example.com")));
}

TEST_F(SignerTest, MissingKeyFileSignsWithTheOtherKey) {
  ASSERT_TRUE(keys_.remove_key("example.com", domain_.selectors[0].selector).ok());
  std::string headers = signer_->sign("acme", kMsg);
  EXPECT_EQ(headers.find("a=rsa-sha256"), std::string::npos);
  EXPECT_NE(headers.find("a=ed25519-sha256"), std::string::npos);
}

TEST_F(SignerTest, AddRefusesDuplicatesAndKeepsTheExistingKeys) {
  auto again = add_domain_with_keys(*store_, keys_, "other", "example.com", clock_.now_ms());
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("already exists"), std::string::npos);
  EXPECT_FALSE(signer_->sign("acme", kMsg).empty());
  EXPECT_FALSE(add_domain_with_keys(*store_, keys_, "nobody", "n.example", 0).ok());
  EXPECT_FALSE(std::filesystem::exists(keys_.domain_dir("n.example")));
}

TEST_F(SignerTest, ThreadSafe) {
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i)
        if (!signer_->sign("acme", kMsg).empty()) ++good;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(good.load(), 80);
}

}  // namespace
}  // namespace postern::dkim
