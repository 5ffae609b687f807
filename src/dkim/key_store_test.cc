#include "dkim/key_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "base/encoding.h"
#include "storage/testing/temp_dir.h"

namespace postern::dkim {
namespace {

using storage::DkimAlgorithm;
constexpr Millis kNov2026 = 1'795'000'000'000;  // 2026-11-18 UTC

unsigned mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

class UmaskGuard {
 public:
  explicit UmaskGuard(mode_t m) : old_(::umask(m)) {}
  ~UmaskGuard() { ::umask(old_); }

 private:
  mode_t old_;
};

TEST(KeyStore, SelectorNamesCarryAlgorithmAndMonth) {
  EXPECT_EQ(KeyStore::selector_name(DkimAlgorithm::Rsa, kNov2026), "pstrn-rsa-202611");
  EXPECT_EQ(KeyStore::selector_name(DkimAlgorithm::Ed25519, kNov2026), "pstrn-ed-202611");
}

TEST(KeyStore, PrivateKeyFileIs0600InA0700DirectoryWhateverTheUmask) {
  for (mode_t mask : {mode_t{0}, mode_t{022}, mode_t{077}}) {
    storage::testing::TempDir dir;
    UmaskGuard guard(mask);
    KeyStore keys(dir.file("data"));
    auto sel = keys.generate("example.com", DkimAlgorithm::Rsa, kNov2026);
    ASSERT_TRUE(sel.ok()) << sel.error().message;
    EXPECT_EQ(mode_of(keys.key_path("example.com", sel->selector)), 0600u);
    EXPECT_EQ(mode_of(keys.domain_dir("example.com")), 0700u);
    EXPECT_EQ(mode_of(dir.file("data/dkim")), 0700u);
  }
}

TEST(KeyStore, GeneratesLoadableKeysWithTheRightPublicForm) {
  storage::testing::TempDir dir;
  KeyStore keys(dir.path().string());
  auto rsa = keys.generate("example.com", DkimAlgorithm::Rsa, kNov2026);
  auto ed = keys.generate("example.com", DkimAlgorithm::Ed25519, kNov2026);
  ASSERT_TRUE(rsa.ok() && ed.ok());
  EXPECT_EQ(base64_decode(ed->public_key)->size(), 32u);  // raw key (RFC 8463 §4.2)
  EXPECT_GT(base64_decode(rsa->public_key)->size(), 256u);  // DER SubjectPublicKeyInfo
  EXPECT_EQ(rsa->created_at, kNov2026);
  auto loaded = keys.load("example.com", rsa->selector);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(public_key_base64(loaded->get(), DkimAlgorithm::Rsa).value(), rsa->public_key);
  auto loaded_ed = keys.load("example.com", ed->selector);
  ASSERT_TRUE(loaded_ed.ok());
  EXPECT_EQ(public_key_base64(loaded_ed->get(), DkimAlgorithm::Ed25519).value(), ed->public_key);
  std::ifstream in(keys.key_path("example.com", ed->selector));
  std::stringstream pem;
  pem << in.rdbuf();
  EXPECT_NE(pem.str().find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
}

TEST(KeyStore, NeverOverwritesAKey) {
  storage::testing::TempDir dir;
  KeyStore keys(dir.path().string());
  ASSERT_TRUE(keys.generate("example.com", DkimAlgorithm::Ed25519, kNov2026).ok());
  auto again = keys.generate("example.com", DkimAlgorithm::Ed25519, kNov2026);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("already exists"), std::string::npos);
}

TEST(KeyStore, RefusesNamesThatEscapeTheDirectory) {
  storage::testing::TempDir dir;
  KeyStore keys(dir.path().string());
  EXPECT_FALSE(keys.load("../etc", "x").ok());
  EXPECT_FALSE(keys.load("example.com", "../../x").ok());
  EXPECT_FALSE(keys.remove_domain("..").ok());
  EXPECT_FALSE(keys.generate("Example.com", DkimAlgorithm::Rsa, kNov2026).ok());
}

TEST(KeyStore, RemoveDomainDeletesItsKeys) {
  storage::testing::TempDir dir;
  KeyStore keys(dir.path().string());
  auto sel = keys.generate("example.com", DkimAlgorithm::Ed25519, kNov2026);
  ASSERT_TRUE(sel.ok());
  ASSERT_TRUE(keys.remove_domain("example.com").ok());
  EXPECT_FALSE(keys.load("example.com", sel->selector).ok());
  EXPECT_TRUE(keys.remove_domain("example.com").ok());  // absent: fine
}

}  // namespace
}  // namespace postern::dkim
