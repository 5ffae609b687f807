#include "storage/store_contract_test.h"

#include <atomic>
#include <thread>
#include <vector>

namespace postern::storage::testing {

void StoreContract::SetUp() {
  store_ = GetParam().make(dir_.path().string());
  ASSERT_NE(store_, nullptr);
}

SmtpUser StoreContract::make_user(const std::string& username) {
  if (!store_->find_account("acme")) {
    EXPECT_TRUE(store_->create_account("acme").ok());
  }
  SmtpUser u;
  u.account_name = "acme";
  u.username = username;
  u.password_hash = "$argon2id$placeholder";
  return u;
}

SmtpUser StoreContract::create(const std::string& username) {
  auto r = store_->create_user(make_user(username));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : SmtpUser{};
}

// --- accounts ---

TEST_P(StoreContract, AccountCreateFindList) {
  auto a = store_->create_account("Zeta");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->name, "zeta");
  EXPECT_GT(a->id, 0);
  EXPECT_EQ(a->status, AccountStatus::Active);
  ASSERT_TRUE(store_->create_account("alpha").ok());
  EXPECT_TRUE(store_->find_account("ZETA").has_value());
  EXPECT_FALSE(store_->find_account("nope").has_value());
  auto all = store_->list_accounts();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "alpha");
  EXPECT_EQ(all[1].name, "zeta");
}

TEST_P(StoreContract, AccountDuplicateAndInvalidRefused) {
  ASSERT_TRUE(store_->create_account("acme").ok());
  auto dup = store_->create_account("ACME");
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message.find("already exists"), std::string::npos);
  EXPECT_FALSE(store_->create_account("a b").ok());
  EXPECT_FALSE(store_->create_account("").ok());
  EXPECT_FALSE(store_->create_account("acme@example.com").ok());
}

TEST_P(StoreContract, AccountSuspendAndResume) {
  ASSERT_TRUE(store_->create_account("acme").ok());
  ASSERT_TRUE(store_->set_account_status("acme", AccountStatus::Suspended, "unpaid").ok());
  auto a = store_->find_account("acme");
  EXPECT_EQ(a->status, AccountStatus::Suspended);
  EXPECT_EQ(a->suspend_reason, "unpaid");
  ASSERT_TRUE(store_->set_account_status("acme", AccountStatus::Active, "").ok());
  a = store_->find_account("acme");
  EXPECT_EQ(a->status, AccountStatus::Active);
  EXPECT_EQ(a->suspend_reason, "");
  EXPECT_FALSE(store_->set_account_status("ghost", AccountStatus::Suspended, "").ok());
}

// --- users ---

TEST_P(StoreContract, CreateUserFillsGeneratedFields) {
  SmtpUser u = create("CRM-Mailer");
  EXPECT_GT(u.id, 0);
  EXPECT_EQ(u.username, "crm-mailer");
  EXPECT_EQ(u.uuid.size(), 36u);
  EXPECT_EQ(u.version, 1);
  EXPECT_GT(u.created_at, 0);
  EXPECT_EQ(u.updated_at, u.created_at);
  EXPECT_EQ(u.account_name, "acme");
  EXPECT_EQ(u.account_status, AccountStatus::Active);
  EXPECT_EQ(u.status, UserStatus::Active);
}

TEST_P(StoreContract, UserFieldsRoundTrip) {
  SmtpUser in = make_user("app1");
  in.uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";
  in.previous_password_hash = "$argon2id$old";
  in.previous_password_until = 1234567;
  in.status = UserStatus::Disabled;
  in.allow_ips = {"192.0.2.0/24", "2001:db8::/32"};
  in.allow_ip_mode = "report";
  in.mode = "account";
  in.domains = {"Example.COM", "b.example", "example.com"};
  in.quota = 500;
  in.quota_period = "month";
  in.quota_action = "reject";
  in.rate = "100/m";
  ASSERT_TRUE(store_->create_user(in).ok());
  auto u = store_->find_user_by_uuid(in.uuid);
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->username, "app1");
  EXPECT_EQ(u->password_hash, in.password_hash);
  EXPECT_EQ(u->previous_password_hash, "$argon2id$old");
  EXPECT_EQ(u->previous_password_until, 1234567);
  EXPECT_EQ(u->status, UserStatus::Disabled);
  EXPECT_EQ(u->allow_ips, in.allow_ips);
  EXPECT_EQ(u->allow_ip_mode, "report");
  EXPECT_EQ(u->mode, "account");
  EXPECT_EQ(u->domains, (std::vector<std::string>{"b.example", "example.com"}));
  EXPECT_EQ(u->quota, 500);
  EXPECT_EQ(u->quota_period, "month");
  EXPECT_EQ(u->quota_action, "reject");
  EXPECT_EQ(u->rate, "100/m");
}

TEST_P(StoreContract, CreateUserValidates) {
  auto at = store_->create_user(make_user("a@b.com"));
  ASSERT_FALSE(at.ok());
  EXPECT_NE(at.error().message.find("not email addresses"), std::string::npos);
  SmtpUser no_hash = make_user("app");
  no_hash.password_hash.clear();
  EXPECT_FALSE(store_->create_user(no_hash).ok());
  SmtpUser bad_mode = make_user("app");
  bad_mode.mode = "everything";
  EXPECT_FALSE(store_->create_user(bad_mode).ok());
  SmtpUser no_account = make_user("app");
  no_account.account_name = "ghost";
  auto r = store_->create_user(no_account);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("ghost"), std::string::npos);
  EXPECT_TRUE(store_->list_users(std::nullopt).empty());
}

TEST_P(StoreContract, UsernameUniqueAmongLiveUsers) {
  create("app");
  auto dup = store_->create_user(make_user("APP"));
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message.find("already exists"), std::string::npos);
  SmtpUser same_uuid = make_user("other");
  same_uuid.uuid = store_->find_user("app")->uuid;
  EXPECT_FALSE(store_->create_user(same_uuid).ok());
}

TEST_P(StoreContract, FindUserIsCaseInsensitive) {
  SmtpUser u = create("app");
  auto found = store_->find_user("APP");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, u.id);
  EXPECT_FALSE(store_->find_user("ap").has_value());
}

TEST_P(StoreContract, DeletedThenRecreatedUsername) {
  SmtpUser first = create("app");
  first.status = UserStatus::Deleted;
  ASSERT_TRUE(store_->update_user(first).ok());
  auto deleted = store_->find_user("app");
  ASSERT_TRUE(deleted.has_value());
  EXPECT_EQ(deleted->status, UserStatus::Deleted);
  EXPECT_GT(deleted->deleted_at, 0);

  SmtpUser second = create("app");
  EXPECT_NE(second.id, first.id);
  EXPECT_NE(second.uuid, first.uuid);
  EXPECT_EQ(store_->find_user("app")->id, second.id);  // the live one wins

  second.status = UserStatus::Deleted;
  ASSERT_TRUE(store_->update_user(second).ok());
  EXPECT_EQ(store_->find_user("app")->id, second.id);  // then the most recently deleted

  // Restoring the first one is fine while no live user holds the name...
  SmtpUser third = create("app");
  first = *store_->find_user_by_uuid(first.uuid);
  first.status = UserStatus::Active;
  auto clash = store_->update_user(first);  // ...and refused while one does.
  ASSERT_FALSE(clash.ok());
  EXPECT_NE(clash.error().message.find("already exists"), std::string::npos);
  EXPECT_EQ(store_->find_user("app")->id, third.id);
}

TEST_P(StoreContract, UpdateUserBumpsVersionAndWritesFields) {
  SmtpUser u = create("app");
  u.password_hash = "$argon2id$new";
  u.allow_ips = {"198.51.100.7/32"};
  u.domains = {"example.org"};
  u.quota = 7;
  u.username = "App-Renamed";
  ASSERT_TRUE(store_->update_user(u).ok());
  auto v2 = store_->find_user("app-renamed");
  ASSERT_TRUE(v2.has_value());
  EXPECT_EQ(v2->version, 2);
  EXPECT_GE(v2->updated_at, u.updated_at);
  EXPECT_EQ(v2->password_hash, "$argon2id$new");
  EXPECT_EQ(v2->allow_ips, u.allow_ips);
  EXPECT_EQ(v2->domains, u.domains);
  EXPECT_EQ(v2->quota, 7);
  EXPECT_FALSE(store_->find_user("app").has_value());
  ASSERT_TRUE(store_->update_user(*v2).ok());
  EXPECT_EQ(store_->find_user("app-renamed")->version, 3);
  v2->domains.clear();
  ASSERT_TRUE(store_->update_user(*v2).ok());
  EXPECT_TRUE(store_->find_user("app-renamed")->domains.empty());
}

TEST_P(StoreContract, UpdateUserRefusesBadInput) {
  SmtpUser u = create("app");
  create("other");
  SmtpUser renamed = u;
  renamed.username = "other";
  EXPECT_FALSE(store_->update_user(renamed).ok());
  SmtpUser invalid = u;
  invalid.username = "me@example.com";
  EXPECT_FALSE(store_->update_user(invalid).ok());
  SmtpUser ghost = u;
  ghost.id = 999999;
  EXPECT_FALSE(store_->update_user(ghost).ok());
  EXPECT_EQ(store_->find_user("app")->version, 1);  // nothing was written
}

TEST_P(StoreContract, ListUsersOrderedByNameWithoutDeleted) {
  ASSERT_TRUE(store_->create_account("other").ok());
  create("zulu");
  create("alpha");
  SmtpUser gone = create("mike");
  gone.status = UserStatus::Deleted;
  ASSERT_TRUE(store_->update_user(gone).ok());
  SmtpUser elsewhere = make_user("bravo");
  elsewhere.account_name = "other";
  ASSERT_TRUE(store_->create_user(elsewhere).ok());

  auto all = store_->list_users(std::nullopt);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].username, "alpha");
  EXPECT_EQ(all[1].username, "bravo");
  EXPECT_EQ(all[2].username, "zulu");
  auto acme = store_->list_users(std::string("ACME"));
  ASSERT_EQ(acme.size(), 2u);
  EXPECT_EQ(acme[0].username, "alpha");
  EXPECT_TRUE(store_->list_users(std::string("ghost")).empty());
}

TEST_P(StoreContract, AccountStatusIsJoinedIntoUsers) {
  create("app");
  ASSERT_TRUE(store_->set_account_status("acme", AccountStatus::Suspended, "abuse").ok());
  EXPECT_EQ(store_->find_user("app")->account_status, AccountStatus::Suspended);
}

TEST_P(StoreContract, RecordLoginDoesNotBumpVersion) {
  SmtpUser u = create("app");
  store_->record_login(u.id, 5000);
  store_->record_login(u.id, 4000);  // never moves backwards
  auto after = store_->find_user("app");
  EXPECT_EQ(after->last_login_at, 5000);
  EXPECT_EQ(after->version, 1);
  store_->record_login(424242, 1);  // unknown id: ignored
}

// --- auth log ---

AuthEvent event(Millis t, std::string user, std::string ip, std::string result) {
  AuthEvent e;
  e.time = t;
  e.session = "s" + std::to_string(t);
  e.ip = std::move(ip);
  e.port = 51514;
  e.listener = "127.0.0.1:587";
  e.tls = "TLSv1.3";
  e.mechanism = "PLAIN";
  e.username = std::move(user);
  e.result = std::move(result);
  e.reason = e.result == "ok" ? "ok" : "bad_password";
  e.reply = e.result == "ok" ? "235 2.7.0 Authentication successful"
                             : "535 5.7.8 Authentication failed";
  return e;
}

TEST_P(StoreContract, AuthEventsRoundTripNewestFirst) {
  AuthEvent a = event(1000, "crm-mailer", "203.0.113.7", "fail");
  a.hints = {"trailing_whitespace", "username_has_at"};
  a.user_id = "0f8fad5b-d9cb-469f-a165-70867728950e";
  a.account = "acme";
  a.enforced = false;
  a.detail = "nearest allowed entry 192.0.2.0/24";
  AuthEvent b = event(3000, "other", "2001:db8::1", "ok");
  AuthEvent c = event(2000, "CRM-Mailer", "203.0.113.8", "ok");
  std::vector<AuthEvent> batch{a, b, c};
  ASSERT_TRUE(store_->append_auth_events(batch).ok());
  ASSERT_TRUE(store_->append_auth_events({}).ok());

  auto all = store_->query_auth_events({});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].time, 3000);
  EXPECT_EQ(all[1].time, 2000);
  const AuthEvent& got = all[2];
  EXPECT_EQ(got.session, a.session);
  EXPECT_EQ(got.ip, a.ip);
  EXPECT_EQ(got.port, 51514);
  EXPECT_EQ(got.listener, a.listener);
  EXPECT_EQ(got.tls, "TLSv1.3");
  EXPECT_EQ(got.mechanism, "PLAIN");
  EXPECT_EQ(got.username, "crm-mailer");
  EXPECT_EQ(got.user_id, a.user_id);
  EXPECT_EQ(got.account, a.account);
  EXPECT_EQ(got.result, "fail");
  EXPECT_EQ(got.reason, "bad_password");
  EXPECT_EQ(got.hints, a.hints);
  EXPECT_EQ(got.reply, a.reply);
  EXPECT_FALSE(got.enforced);
  EXPECT_EQ(got.detail, a.detail);
  EXPECT_FALSE(all[0].user_id.has_value());
  EXPECT_TRUE(all[0].enforced);
}

TEST_P(StoreContract, AuthEventFilters) {
  std::vector<AuthEvent> batch{
      event(1000, "crm-mailer", "203.0.113.7", "fail"),
      event(2000, "CRM-Mailer", "203.0.113.8", "ok"),
      event(3000, "other", "203.0.113.7", "ok"),
      event(4000, "other", "2001:db8::1", "fail"),
  };
  ASSERT_TRUE(store_->append_auth_events(batch).ok());
  AuthEventFilter f;
  f.username = "Crm-Mailer";
  EXPECT_EQ(store_->query_auth_events(f).size(), 2u);
  f = {};
  f.ip = "203.0.113.7";
  auto by_ip = store_->query_auth_events(f);
  ASSERT_EQ(by_ip.size(), 2u);
  EXPECT_EQ(by_ip[0].time, 3000);
  f = {};
  f.result = "fail";
  EXPECT_EQ(store_->query_auth_events(f).size(), 2u);
  f = {};
  f.since = 2000;
  EXPECT_EQ(store_->query_auth_events(f).size(), 3u);
  f = {};
  f.limit = 1;
  auto newest = store_->query_auth_events(f);
  ASSERT_EQ(newest.size(), 1u);
  EXPECT_EQ(newest[0].time, 4000);
  f = {};
  f.username = "other";
  f.result = "ok";
  f.ip = "203.0.113.7";
  f.since = 3000;
  EXPECT_EQ(store_->query_auth_events(f).size(), 1u);
}

TEST_P(StoreContract, AuthEventLimitIsCapped) {
  std::vector<AuthEvent> batch(10050, event(1, "u", "192.0.2.1", "fail"));
  ASSERT_TRUE(store_->append_auth_events(batch).ok());
  AuthEventFilter f;
  f.limit = 1000000;
  EXPECT_EQ(store_->query_auth_events(f).size(), 10000u);
  f.limit = 0;  // not a valid limit: the default
  EXPECT_EQ(store_->query_auth_events(f).size(), 100u);
}

TEST_P(StoreContract, ChangeMarkerFollowsOwnUserAndAccountWrites) {
  auto m0 = store_->change_marker();
  EXPECT_EQ(store_->change_marker(), m0);
  SmtpUser u = create("app");  // also creates the account
  auto m1 = store_->change_marker();
  EXPECT_NE(m1, m0);
  ASSERT_TRUE(store_->update_user(u).ok());
  auto m2 = store_->change_marker();
  EXPECT_NE(m2, m1);
  ASSERT_TRUE(store_->set_account_status("acme", AccountStatus::Suspended, "").ok());
  auto m3 = store_->change_marker();
  EXPECT_NE(m3, m2);
  // Log traffic is not a change that should drop caches.
  std::vector<AuthEvent> batch{event(1, "app", "192.0.2.1", "ok")};
  ASSERT_TRUE(store_->append_auth_events(batch).ok());
  store_->record_login(u.id, 10);
  EXPECT_EQ(store_->change_marker(), m3);
}

// --- PolicyStore: quotas, account rates, suppressions, idempotency keys ---

TEST_P(StoreContract, QuotaChargeIsRefusedPastTheLimitAndRestartsPerPeriod) {
  SmtpUser u = create("app");
  auto c = store_->charge_quota(u.id, 1000, 3, 5);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->charged);
  EXPECT_EQ(c->usage.used, 3);
  c = store_->charge_quota(u.id, 1000, 3, 5);  // 6 > 5: refused whole, nothing changed
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->charged);
  EXPECT_EQ(store_->quota_usage(u.id, 1000).used, 3);
  EXPECT_TRUE(store_->charge_quota(u.id, 1000, 2, 5)->charged);
  EXPECT_EQ(store_->quota_usage(u.id, 1000).used, 5);
  EXPECT_EQ(store_->quota_usage(u.id, 2000).used, 0);  // a new period reads as empty
  c = store_->charge_quota(u.id, 2000, 1, 5);
  EXPECT_TRUE(c->charged);
  EXPECT_EQ(c->usage.used, 1);
  EXPECT_EQ(c->usage.period_start, 2000);
  EXPECT_TRUE(store_->charge_quota(u.id, 2000, 1000, 0)->charged);  // 0 = unlimited, counted
  EXPECT_EQ(store_->quota_usage(u.id, 2000).used, 1001);
}

TEST_P(StoreContract, QuotaRefundNeverGoesNegativeNorTouchesAnotherPeriod) {
  SmtpUser u = create("app");
  ASSERT_TRUE(store_->charge_quota(u.id, 1000, 4, 0).ok());
  ASSERT_TRUE(store_->refund_quota(u.id, 1000, 3).ok());
  EXPECT_EQ(store_->quota_usage(u.id, 1000).used, 1);
  ASSERT_TRUE(store_->refund_quota(u.id, 1000, 10).ok());
  EXPECT_EQ(store_->quota_usage(u.id, 1000).used, 0);
  ASSERT_TRUE(store_->charge_quota(u.id, 2000, 2, 0).ok());
  ASSERT_TRUE(store_->refund_quota(u.id, 1000, 2).ok());  // stale period: no-op
  EXPECT_EQ(store_->quota_usage(u.id, 2000).used, 2);
}

TEST_P(StoreContract, QuotaChargeFrom20ThreadsNeverOvershoots) {
  SmtpUser u = create("app");
  std::atomic<int> charged{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 20; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        auto c = store_->charge_quota(u.id, 0, 1, 97);
        if (c.ok() && c->charged) ++charged;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(charged.load(), 97);
  EXPECT_EQ(store_->quota_usage(u.id, 0).used, 97);
}

TEST_P(StoreContract, AccountRateRoundTrips) {
  ASSERT_TRUE(store_->create_account("acme").ok());
  auto acme = store_->find_account("acme");
  EXPECT_EQ(store_->account_rate(acme->id), "");
  ASSERT_TRUE(store_->set_account_rate("ACME", "100/m").ok());
  EXPECT_EQ(store_->account_rate(acme->id), "100/m");
  ASSERT_TRUE(store_->set_account_rate("acme", "").ok());
  EXPECT_EQ(store_->account_rate(acme->id), "");
  EXPECT_FALSE(store_->set_account_rate("nobody", "1/s").ok());
}

TEST_P(StoreContract, SuppressionsAddListRemoveCaseInsensitively) {
  ASSERT_TRUE(store_->create_account("acme").ok());
  ASSERT_TRUE(store_->create_account("other").ok());
  auto added = store_->add_suppression("acme", "Bob@Example.COM", "hard_bounce");
  ASSERT_TRUE(added.ok());
  EXPECT_TRUE(*added);
  EXPECT_FALSE(*store_->add_suppression("acme", "bob@example.com", "manual"));  // already there
  ASSERT_TRUE(store_->add_suppression("acme", "alice@example.com", "").ok());
  auto list = store_->list_suppressions("acme");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].address, "alice@example.com");
  EXPECT_EQ((*list)[1].address, "bob@example.com");
  EXPECT_EQ((*list)[1].reason, "hard_bounce");  // the first reason is kept
  auto acme = store_->find_account("acme");
  auto other = store_->find_account("other");
  EXPECT_TRUE(store_->is_suppressed(acme->id, "BOB@example.com"));
  EXPECT_FALSE(store_->is_suppressed(other->id, "bob@example.com"));  // per account
  EXPECT_TRUE(*store_->remove_suppression("acme", "bob@EXAMPLE.com"));
  EXPECT_FALSE(*store_->remove_suppression("acme", "bob@example.com"));
  EXPECT_FALSE(store_->is_suppressed(acme->id, "bob@example.com"));
  EXPECT_FALSE(store_->add_suppression("nobody", "a@b.example", "").ok());
  EXPECT_FALSE(store_->add_suppression("acme", "not an address", "").ok());
  EXPECT_FALSE(store_->list_suppressions("nobody").ok());
}

TEST_P(StoreContract, SuppressionImportIsIdempotent) {
  ASSERT_TRUE(store_->create_account("acme").ok());
  std::vector<Suppression> rows{{"a@example.com", "import", 0}, {"B@example.com", "x", 42}};
  auto n = store_->import_suppressions("acme", rows);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(*store_->import_suppressions("acme", rows), 0);
  auto list = store_->list_suppressions("acme");
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].address, "b@example.com");
  EXPECT_EQ((*list)[1].created_at, 42);
  std::vector<Suppression> bad{{"c@example.com", "", 0}, {"nonsense", "", 0}};
  EXPECT_FALSE(store_->import_suppressions("acme", bad).ok());  // all or nothing
  EXPECT_EQ(store_->list_suppressions("acme")->size(), 2u);
}

TEST_P(StoreContract, IdempotencyKeyLifecycle) {
  using Kind = IdempotencyClaim::Kind;
  SmtpUser u = create("app");
  const Millis ttl = 86400000, in_flight = 600000;
  auto c = store_->claim_idempotency_key(u.id, "k1", "h1", 1000, ttl, in_flight);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->kind, Kind::Reserved);
  EXPECT_EQ(store_->claim_idempotency_key(u.id, "k1", "h1", 1001, ttl, in_flight)->kind,
            Kind::InFlight);
  EXPECT_EQ(store_->claim_idempotency_key(u.id, "k1", "h2", 1001, ttl, in_flight)->kind,
            Kind::BodyMismatch);
  ASSERT_TRUE(store_->complete_idempotency_key(u.id, "k1", "Q123").ok());
  c = store_->claim_idempotency_key(u.id, "k1", "h1", 2000, ttl, in_flight);
  EXPECT_EQ(c->kind, Kind::AlreadyQueued);
  EXPECT_EQ(c->queue_id, "Q123");
  EXPECT_EQ(store_->claim_idempotency_key(u.id, "k1", "h1", 1000 + ttl, ttl, in_flight)->kind,
            Kind::Reserved);  // expired after the TTL
  // A released reservation frees the key; a stale one (dead session) frees it too.
  EXPECT_EQ(store_->claim_idempotency_key(u.id, "k2", "h", 0, ttl, in_flight)->kind,
            Kind::Reserved);
  ASSERT_TRUE(store_->release_idempotency_key(u.id, "k2").ok());
  EXPECT_EQ(store_->claim_idempotency_key(u.id, "k2", "h", 1, ttl, in_flight)->kind,
            Kind::Reserved);
  EXPECT_EQ(store_->claim_idempotency_key(u.id, "k2", "h", 1 + in_flight, ttl, in_flight)->kind,
            Kind::Reserved);
  // Keys are per user.
  SmtpUser other = create("other");
  EXPECT_EQ(store_->claim_idempotency_key(other.id, "k1", "zz", 3000, ttl, in_flight)->kind,
            Kind::Reserved);
}

TEST_P(StoreContract, IdempotencyKeyReservedOnceUnderConcurrency) {
  SmtpUser u = create("app");
  std::atomic<int> reserved{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 20; ++t)
    threads.emplace_back([&] {
      auto c = store_->claim_idempotency_key(u.id, "same", "h", 5, 86400000, 600000);
      if (c.ok() && c->kind == IdempotencyClaim::Kind::Reserved) ++reserved;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(reserved.load(), 1);
}

}  // namespace postern::storage::testing
