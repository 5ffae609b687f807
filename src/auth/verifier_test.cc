#include "auth/verifier.h"

#include <gtest/gtest.h>

#include <functional>

#include "auth/password_hash.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/testing/temp_dir.h"

namespace postern::auth {
namespace {

using storage::SmtpUser;
using storage::UserStatus;

constexpr Millis kStart = 1'800'000'000'000;
constexpr Millis kHour = 3600 * 1000;
const char* const kPassword = "correct horse battery";
const char* const kOldPassword = "old staple 1234";

class FakeClock final : public Clock {
 public:
  Millis now_ms() const override { return now; }
  Millis now = kStart;
};

// Argon2id costs ~80 ms: hash each password once per test binary run.
const std::string& hash_of(const char* password) {
  if (std::string_view(password) == kPassword) {
    static const std::string current = hash_password(kPassword).value();
    return current;
  }
  static const std::string old = hash_password(kOldPassword).value();
  return old;
}

class VerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = storage::sqlite::SqliteStore::open(dir_.file("postern.db"), clock_);
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->create_account("acme").ok());
    verifier_ = std::make_unique<CredentialVerifier>(*store_, cache_, clock_);
  }

  SmtpUser add_user(const std::string& name,
                    const std::function<void(SmtpUser&)>& tweak = [](SmtpUser&) {}) {
    SmtpUser u;
    u.account_name = "acme";
    u.username = name;
    u.password_hash = hash_of(kPassword);
    tweak(u);
    auto r = store_->create_user(u);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r.value() : SmtpUser{};
  }

  AuthVerdict verify(const std::string& username, const std::string& password,
                     const std::string& ip = "192.0.2.10") {
    return verifier_->verify(AuthRequest{username, Secret(password), ip});
  }

  storage::testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<storage::sqlite::SqliteStore> store_;
  CredentialCache cache_;
  std::unique_ptr<CredentialVerifier> verifier_;
};

TEST_F(VerifierTest, OkRecordsLoginAndFillsCache) {
  SmtpUser u = add_user("crm-mailer");
  auto v = verify("CRM-Mailer", kPassword);
  EXPECT_EQ(v.reason, AuthReason::Ok);
  EXPECT_TRUE(v.granted);
  EXPECT_TRUE(v.enforced);
  ASSERT_TRUE(v.user.has_value());
  EXPECT_EQ(v.user->uuid, u.uuid);
  EXPECT_TRUE(v.hints.empty());
  EXPECT_EQ(store_->find_user("crm-mailer")->last_login_at, kStart);
  EXPECT_EQ(cache_.size(), 1u);
  EXPECT_TRUE(cache_.contains(u, u.password_hash, kPassword, kStart));

  // The second login is answered from the cache: still one entry, still Ok.
  clock_.now += 1000;
  EXPECT_EQ(verify("crm-mailer", kPassword).reason, AuthReason::Ok);
  EXPECT_EQ(cache_.size(), 1u);
}

TEST_F(VerifierTest, VerifyCachedAnswersOnlyCachedPasswordsOfActiveUsers) {
  SmtpUser u = add_user("crm-mailer", [](SmtpUser& x) { x.allow_ips = {"192.0.2.0/24"}; });
  auto cached = [&](const std::string& name, const char* password,
                    const std::string& ip = "192.0.2.10") {
    return verifier_->verify_cached(AuthRequest{name, Secret(password), ip});
  };
  EXPECT_FALSE(cached("crm-mailer", kPassword));  // nothing cached yet: verify() decides
  EXPECT_EQ(verify("crm-mailer", kPassword).reason, AuthReason::Ok);
  clock_.now += 1000;
  auto hit = cached("CRM-Mailer", kPassword);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->reason, AuthReason::Ok);
  EXPECT_TRUE(hit->granted);
  ASSERT_TRUE(hit->user);
  EXPECT_EQ(hit->user->uuid, u.uuid);
  EXPECT_EQ(store_->find_user("crm-mailer")->last_login_at, kStart + 1000);
  // The allow list still applies to a cached password.
  auto elsewhere = cached("crm-mailer", kPassword, "198.51.100.7");
  ASSERT_TRUE(elsewhere);
  EXPECT_EQ(elsewhere->reason, AuthReason::IpNotAllowed);
  EXPECT_FALSE(elsewhere->granted);
  // Wrong passwords, unknown and disabled users are never answered here (they pay Argon2id).
  EXPECT_FALSE(cached("crm-mailer", "wrong password"));
  EXPECT_FALSE(cached("nobody", kPassword));
  EXPECT_FALSE(cached("bad name!", kPassword));
  SmtpUser disabled = *store_->find_user("crm-mailer");
  disabled.status = storage::UserStatus::Disabled;
  ASSERT_TRUE(store_->update_user(disabled).ok());
  EXPECT_FALSE(cached("crm-mailer", kPassword));
}

TEST_F(VerifierTest, UnknownUserAndUsernameWithAt) {
  auto v = verify("nobody", kPassword);
  EXPECT_EQ(v.reason, AuthReason::UnknownUser);
  EXPECT_FALSE(v.granted);
  EXPECT_FALSE(v.user.has_value());
  auto at = verify("crm@example.com", kPassword);
  EXPECT_EQ(at.reason, AuthReason::UnknownUser);
  EXPECT_EQ(at.hints, std::vector<std::string>{"username_has_at"});
  EXPECT_EQ(cache_.size(), 0u);
}

TEST_F(VerifierTest, BadPassword) {
  add_user("app");
  auto v = verify("app", "wrong password");
  EXPECT_EQ(v.reason, AuthReason::BadPassword);
  EXPECT_FALSE(v.granted);
  EXPECT_TRUE(v.user.has_value());
  EXPECT_EQ(cache_.size(), 0u);  // failures are never cached
  EXPECT_EQ(store_->find_user("app")->last_login_at, 0);
}

TEST_F(VerifierTest, StatusRefusalsInOrder) {
  add_user("disabled", [](SmtpUser& u) { u.status = UserStatus::Disabled; });
  SmtpUser gone = add_user("gone");
  gone.status = UserStatus::Deleted;
  ASSERT_TRUE(store_->update_user(gone).ok());
  EXPECT_EQ(verify("disabled", kPassword).reason, AuthReason::UserDisabled);
  EXPECT_EQ(verify("gone", kPassword).reason, AuthReason::UserDeleted);
  add_user("app");
  ASSERT_TRUE(store_->set_account_status("acme", storage::AccountStatus::Suspended, "").ok());
  EXPECT_EQ(verify("app", kPassword).reason, AuthReason::AccountSuspended);
  // User status comes before the account's.
  EXPECT_EQ(verify("disabled", "wrong password").reason, AuthReason::UserDisabled);
  EXPECT_EQ(verify("gone", kPassword).reason, AuthReason::UserDeleted);
  EXPECT_EQ(cache_.size(), 0u);  // refusals never touch the cache
}

TEST_F(VerifierTest, SuspendedAccountRefusedEvenWhenCached) {
  add_user("app");
  EXPECT_EQ(verify("app", kPassword).reason, AuthReason::Ok);
  ASSERT_EQ(cache_.size(), 1u);
  ASSERT_TRUE(store_->set_account_status("acme", storage::AccountStatus::Suspended, "").ok());
  auto v = verify("app", kPassword);
  EXPECT_EQ(v.reason, AuthReason::AccountSuspended);
  EXPECT_FALSE(v.granted);
}

TEST_F(VerifierTest, GraceWindowThenStale) {
  add_user("app", [](SmtpUser& u) {
    u.previous_password_hash = hash_of(kOldPassword);
    u.previous_password_until = kStart + 24 * kHour;
  });
  auto grace = verify("app", kOldPassword);
  EXPECT_EQ(grace.reason, AuthReason::PreviousPassword);
  EXPECT_TRUE(grace.granted);
  EXPECT_EQ(verify("app", kPassword).reason, AuthReason::Ok);
  clock_.now = kStart + 24 * kHour;
  auto stale = verify("app", kOldPassword);
  EXPECT_EQ(stale.reason, AuthReason::StalePassword);
  EXPECT_FALSE(stale.granted);
  EXPECT_EQ(verify("app", kPassword).reason, AuthReason::Ok);
}

TEST_F(VerifierTest, CacheMissesAfterUserChange) {
  add_user("app");
  EXPECT_EQ(verify("app", kPassword).reason, AuthReason::Ok);
  SmtpUser before = *store_->find_user("app");
  ASSERT_TRUE(cache_.contains(before, before.password_hash, kPassword, kStart));
  before.quota = 10;  // any change bumps the version
  ASSERT_TRUE(store_->update_user(before).ok());
  SmtpUser after = *store_->find_user("app");
  EXPECT_EQ(after.version, before.version + 1);
  EXPECT_FALSE(cache_.contains(after, after.password_hash, kPassword, kStart));
  EXPECT_EQ(verify("app", kPassword).reason, AuthReason::Ok);  // full check, then cached again
  EXPECT_TRUE(cache_.contains(after, after.password_hash, kPassword, kStart));
  EXPECT_EQ(cache_.size(), 2u);
}

TEST_F(VerifierTest, IpAllowListEnforced) {
  add_user("app", [](SmtpUser& u) { u.allow_ips = {"192.0.2.0/24", "198.51.100.0/24"}; });
  EXPECT_EQ(verify("app", kPassword, "192.0.2.77").reason, AuthReason::Ok);
  EXPECT_EQ(verify("app", kPassword, "::ffff:198.51.100.9").reason, AuthReason::Ok);
  auto v = verify("app", kPassword, "198.51.101.9");
  EXPECT_EQ(v.reason, AuthReason::IpNotAllowed);
  EXPECT_FALSE(v.granted);
  EXPECT_TRUE(v.enforced);
  EXPECT_NE(v.detail.find("198.51.101.9"), std::string::npos);
  EXPECT_NE(v.detail.find("nearest allowed entry 198.51.100.0/24"), std::string::npos);
  // The IP reply only ever follows valid credentials.
  EXPECT_EQ(verify("app", "wrong password", "203.0.113.1").reason, AuthReason::BadPassword);
  EXPECT_EQ(verify("app", kPassword, "not-an-ip").reason, AuthReason::IpNotAllowed);
}

TEST_F(VerifierTest, IpNotAllowedDoesNotRecordLogin) {
  add_user("app", [](SmtpUser& u) { u.allow_ips = {"192.0.2.0/24"}; });
  EXPECT_EQ(verify("app", kPassword, "203.0.113.1").reason, AuthReason::IpNotAllowed);
  EXPECT_EQ(store_->find_user("app")->last_login_at, 0);
}

TEST_F(VerifierTest, Ipv6AllowList) {
  add_user("app", [](SmtpUser& u) { u.allow_ips = {"2001:db8:1::/48"}; });
  EXPECT_EQ(verify("app", kPassword, "2001:db8:1::25").reason, AuthReason::Ok);
  auto v = verify("app", kPassword, "2001:db8:2::25");
  EXPECT_EQ(v.reason, AuthReason::IpNotAllowed);
  EXPECT_NE(v.detail.find("2001:db8:1::/48"), std::string::npos);
  auto v4 = verify("app", kPassword, "192.0.2.1");
  EXPECT_EQ(v4.reason, AuthReason::IpNotAllowed);
  EXPECT_NE(v4.detail.find("no allowed entry of the same address family"), std::string::npos);
}

TEST_F(VerifierTest, ReportOnlyModeGrantsAndSays) {
  add_user("app", [](SmtpUser& u) {
    u.allow_ips = {"192.0.2.0/24"};
    u.allow_ip_mode = "report";
    u.previous_password_hash = hash_of(kOldPassword);
    u.previous_password_until = kStart + kHour;
  });
  auto v = verify("app", kPassword, "192.0.3.1");
  EXPECT_EQ(v.reason, AuthReason::Ok);
  EXPECT_TRUE(v.granted);
  EXPECT_FALSE(v.enforced);
  EXPECT_NE(v.detail.find("would be refused"), std::string::npos);
  EXPECT_NE(v.detail.find("192.0.2.0/24"), std::string::npos);
  EXPECT_EQ(store_->find_user("app")->last_login_at, kStart);
  auto old = verify("app", kOldPassword, "192.0.3.1");
  EXPECT_EQ(old.reason, AuthReason::PreviousPassword);
  EXPECT_FALSE(old.enforced);
  auto inside = verify("app", kPassword, "192.0.2.1");
  EXPECT_TRUE(inside.enforced);
  EXPECT_TRUE(inside.detail.empty());
}

TEST_F(VerifierTest, WhitespaceHintsNeverCarryThePassword) {
  add_user("app");
  auto trailing = verify("app", std::string(kPassword) + "\n");
  EXPECT_EQ(trailing.reason, AuthReason::BadPassword);
  EXPECT_EQ(trailing.hints, std::vector<std::string>{"trailing_whitespace"});
  auto both = verify("app@example.com", " secret value\t");
  EXPECT_EQ(both.hints, (std::vector<std::string>{"username_has_at", "leading_whitespace",
                                                  "trailing_whitespace"}));
  for (const auto& v : {trailing, both}) {
    EXPECT_EQ(v.detail.find("secret value"), std::string::npos);
    for (const auto& h : v.hints) EXPECT_EQ(h.find("secret"), std::string::npos);
  }
}

TEST(AuthReasonNames, MatchTheAuthLog) {
  EXPECT_STREQ(to_string(AuthReason::Ok), "ok");
  EXPECT_STREQ(to_string(AuthReason::PreviousPassword), "previous_password");
  EXPECT_STREQ(to_string(AuthReason::UnknownUser), "unknown_user");
  EXPECT_STREQ(to_string(AuthReason::BadPassword), "bad_password");
  EXPECT_STREQ(to_string(AuthReason::StalePassword), "stale_password");
  EXPECT_STREQ(to_string(AuthReason::UserDisabled), "user_disabled");
  EXPECT_STREQ(to_string(AuthReason::UserDeleted), "user_deleted");
  EXPECT_STREQ(to_string(AuthReason::AccountSuspended), "account_suspended");
  EXPECT_STREQ(to_string(AuthReason::IpNotAllowed), "ip_not_allowed");
  EXPECT_STREQ(to_string(AuthReason::MechanismUnsupported), "mechanism_unsupported");
  EXPECT_STREQ(to_string(AuthReason::TlsRequired), "tls_required");
  EXPECT_STREQ(to_string(AuthReason::Malformed), "malformed");
  EXPECT_STREQ(to_string(AuthReason::Cancelled), "cancelled");
  EXPECT_STREQ(to_string(AuthReason::Throttled), "throttled");
}

}  // namespace
}  // namespace postern::auth
