// The ControlStore part of the Store contract (API keys, webhooks and their deliveries, hourly
// stats), written against the Store interface only: every implementation must pass it.
#include <string>
#include <vector>

#include "storage/store_contract_test.h"

namespace postern::storage::testing {
namespace {

constexpr Millis kHour = 3'600'000;
constexpr Millis kT0 = 1'800'000'000'000;  // 2027-01-15T08:00:00Z, the start of an hour

ApiKey key_of(const std::string& name, const std::string& account, const std::string& hash) {
  ApiKey k;
  k.name = name;
  k.account = account;
  k.key_hash = hash;
  k.prefix = "pk_" + hash.substr(0, 9);
  return k;
}

std::string hash_of(char c) { return std::string(64, c); }

Webhook hook_of(const std::string& account, const std::string& url = "https://example.com/h") {
  Webhook w;
  w.account = account;
  w.url = url;
  w.events = {"delivered", "bounced"};
  w.secret = "whsec-test";
  return w;
}

WebhookDelivery delivery_of(std::int64_t webhook_id, const std::string& event, Millis due) {
  WebhookDelivery d;
  d.webhook_id = webhook_id;
  d.event = event;
  d.body = R"({"event":")" + event + R"("})";
  d.next_attempt_at = due;
  return d;
}

std::vector<std::string> names_of(const std::vector<ApiKey>& keys) {
  std::vector<std::string> out;
  for (const auto& k : keys) out.push_back(k.name);
  return out;
}

std::vector<std::string> events_of(const std::vector<WebhookDelivery>& rows) {
  std::vector<std::string> out;
  for (const auto& d : rows) out.push_back(d.event);
  return out;
}

MessageEvent message(Millis time, const std::string& account, const std::string& status) {
  MessageEvent e;
  e.time = time;
  e.id = "q1";
  e.user = "app";
  e.account = account;
  e.status = status;
  return e;
}

AuthEvent auth(Millis time, const std::optional<std::string>& account, const std::string& result) {
  AuthEvent e;
  e.time = time;
  e.username = "app";
  e.account = account;
  e.result = result;
  e.reason = result == "ok" ? "ok" : "bad_password";
  return e;
}

}  // namespace

// --- API keys ---

TEST_P(StoreContract, ApiKeyCreateAndFindByHash) {
  ASSERT_TRUE(store_->create_account("acme").ok());
  auto admin = store_->create_api_key(key_of("Ops", "", hash_of('a')));
  ASSERT_TRUE(admin.ok()) << admin.error().message;
  EXPECT_GT(admin->id, 0);
  EXPECT_EQ(admin->name, "ops");
  EXPECT_EQ(admin->account, "");
  EXPECT_EQ(admin->prefix, "pk_aaaaaaaaa");
  EXPECT_GT(admin->created_at, 0);
  EXPECT_EQ(admin->last_used_at, 0);
  EXPECT_EQ(admin->revoked_at, 0);
  auto scoped = store_->create_api_key(key_of("crm", "ACME", hash_of('b')));
  ASSERT_TRUE(scoped.ok()) << scoped.error().message;
  EXPECT_EQ(scoped->account, "acme");

  auto found = store_->find_api_key_by_hash(hash_of('b'));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, scoped->id);
  EXPECT_EQ(found->name, "crm");
  EXPECT_EQ(found->account, "acme");
  EXPECT_EQ(found->key_hash, hash_of('b'));
  EXPECT_FALSE(store_->find_api_key_by_hash(hash_of('c')).has_value());
}

TEST_P(StoreContract, ApiKeyCreateRefusesBadNamesDuplicatesAndUnknownAccounts) {
  ASSERT_TRUE(store_->create_api_key(key_of("ops", "", hash_of('a'))).ok());
  auto dup = store_->create_api_key(key_of("OPS", "", hash_of('b')));
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message.find("already exists"), std::string::npos);
  EXPECT_FALSE(store_->create_api_key(key_of("a b", "", hash_of('c'))).ok());
  EXPECT_FALSE(store_->create_api_key(key_of("", "", hash_of('c'))).ok());
  auto at = store_->create_api_key(key_of("ops@example.com", "", hash_of('c')));
  ASSERT_FALSE(at.ok());
  EXPECT_NE(at.error().message.find("ops@example.com"), std::string::npos);
  auto ghost = store_->create_api_key(key_of("crm", "ghost", hash_of('d')));
  ASSERT_FALSE(ghost.ok());
  EXPECT_NE(ghost.error().message.find("ghost"), std::string::npos);
  EXPECT_EQ(store_->list_api_keys(std::nullopt).size(), 1u);  // nothing half-written
}

TEST_P(StoreContract, RevokedApiKeyIsNotFoundAndItsNameIsReusable) {
  auto first = store_->create_api_key(key_of("ops", "", hash_of('a')));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(store_->revoke_api_key("OPS").ok());
  EXPECT_FALSE(store_->find_api_key_by_hash(hash_of('a')).has_value());
  EXPECT_TRUE(store_->list_api_keys(std::nullopt).empty());
  EXPECT_FALSE(store_->revoke_api_key("ops").ok());  // no live key of that name any more
  EXPECT_FALSE(store_->revoke_api_key("never").ok());

  auto second = store_->create_api_key(key_of("ops", "", hash_of('b')));
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_NE(second->id, first->id);
  EXPECT_TRUE(store_->find_api_key_by_hash(hash_of('b')).has_value());
  EXPECT_FALSE(store_->find_api_key_by_hash(hash_of('a')).has_value());
}

TEST_P(StoreContract, ApiKeyListsAreOrderedByNameAndScopedToTheAccount) {
  ASSERT_TRUE(store_->create_account("acme").ok());
  ASSERT_TRUE(store_->create_account("beta").ok());
  ASSERT_TRUE(store_->create_api_key(key_of("zeta", "acme", hash_of('a'))).ok());
  ASSERT_TRUE(store_->create_api_key(key_of("admin", "", hash_of('b'))).ok());
  ASSERT_TRUE(store_->create_api_key(key_of("alpha", "acme", hash_of('c'))).ok());
  ASSERT_TRUE(store_->create_api_key(key_of("other", "beta", hash_of('d'))).ok());
  EXPECT_EQ(names_of(store_->list_api_keys(std::nullopt)),
            (std::vector<std::string>{"admin", "alpha", "other", "zeta"}));
  EXPECT_EQ(names_of(store_->list_api_keys(std::string("ACME"))),
            (std::vector<std::string>{"alpha", "zeta"}));
  EXPECT_EQ(names_of(store_->list_api_keys(std::string("beta"))),
            (std::vector<std::string>{"other"}));
  EXPECT_EQ(names_of(store_->list_api_keys(std::string(""))),
            (std::vector<std::string>{"admin"}));
  EXPECT_TRUE(store_->list_api_keys(std::string("ghost")).empty());
}

TEST_P(StoreContract, TouchApiKeyRecordsLastUse) {
  auto key = store_->create_api_key(key_of("ops", "", hash_of('a')));
  ASSERT_TRUE(key.ok());
  store_->touch_api_key(key->id, kT0);
  EXPECT_EQ(store_->find_api_key_by_hash(hash_of('a'))->last_used_at, kT0);
  store_->touch_api_key(key->id, kT0 + 5000);
  EXPECT_EQ(store_->list_api_keys(std::nullopt).at(0).last_used_at, kT0 + 5000);
  store_->touch_api_key(9999, kT0);  // unknown id: best effort, no throw
}

// --- webhooks ---

TEST_P(StoreContract, WebhookCreateFindAndValidate) {
  ASSERT_TRUE(store_->create_account("acme").ok());
  auto hook = store_->create_webhook(hook_of("Acme"));
  ASSERT_TRUE(hook.ok()) << hook.error().message;
  EXPECT_GT(hook->id, 0);
  EXPECT_GT(hook->created_at, 0);
  EXPECT_EQ(hook->account, "acme");
  auto found = store_->find_webhook(hook->id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->url, "https://example.com/h");
  EXPECT_EQ(found->events, (std::vector<std::string>{"delivered", "bounced"}));
  EXPECT_EQ(found->secret, "whsec-test");
  EXPECT_TRUE(found->active);
  EXPECT_FALSE(store_->find_webhook(hook->id + 100).has_value());

  auto admin = store_->create_webhook(hook_of("", "http://127.0.0.1:9/x"));
  ASSERT_TRUE(admin.ok()) << admin.error().message;
  EXPECT_EQ(admin->account, "");

  auto ftp = store_->create_webhook(hook_of("acme", "ftp://example.com/"));
  ASSERT_FALSE(ftp.ok());
  EXPECT_NE(ftp.error().message.find("http"), std::string::npos);
  EXPECT_FALSE(store_->create_webhook(hook_of("acme", "example.com")).ok());
  auto ghost = store_->create_webhook(hook_of("ghost"));
  ASSERT_FALSE(ghost.ok());
  EXPECT_NE(ghost.error().message.find("ghost"), std::string::npos);
  EXPECT_EQ(store_->list_webhooks(std::nullopt).size(), 2u);
}

TEST_P(StoreContract, WebhookListsAreOrderedByIdAndScopedToTheAccount) {
  ASSERT_TRUE(store_->create_account("acme").ok());
  ASSERT_TRUE(store_->create_account("beta").ok());
  auto a1 = store_->create_webhook(hook_of("acme"));
  auto admin = store_->create_webhook(hook_of(""));
  auto b1 = store_->create_webhook(hook_of("beta"));
  auto a2 = store_->create_webhook(hook_of("acme", "https://example.com/2"));
  ASSERT_TRUE(a1.ok() && admin.ok() && b1.ok() && a2.ok());
  auto ids = [](const std::vector<Webhook>& hooks) {
    std::vector<std::int64_t> out;
    for (const auto& h : hooks) out.push_back(h.id);
    return out;
  };
  EXPECT_EQ(ids(store_->list_webhooks(std::nullopt)),
            (std::vector<std::int64_t>{a1->id, admin->id, b1->id, a2->id}));
  EXPECT_EQ(ids(store_->list_webhooks(std::string("acme"))),
            (std::vector<std::int64_t>{a1->id, a2->id}));
  EXPECT_EQ(ids(store_->list_webhooks(std::string(""))), (std::vector<std::int64_t>{admin->id}));
  EXPECT_TRUE(store_->list_webhooks(std::string("ghost")).empty());
}

TEST_P(StoreContract, RemoveWebhookDeletesItsDeliveries) {
  auto keep = store_->create_webhook(hook_of(""));
  auto gone = store_->create_webhook(hook_of("", "https://example.com/gone"));
  ASSERT_TRUE(keep.ok() && gone.ok());
  ASSERT_TRUE(store_
                  ->enqueue_webhook_deliveries({delivery_of(gone->id, "delivered", kT0),
                                                delivery_of(keep->id, "bounced", kT0)})
                  .ok());
  ASSERT_TRUE(store_->remove_webhook(gone->id).ok());
  EXPECT_FALSE(store_->find_webhook(gone->id).has_value());
  EXPECT_TRUE(store_->list_webhook_deliveries(gone->id, std::nullopt, 10).empty());
  EXPECT_EQ(events_of(store_->due_webhook_deliveries(kT0, 10)),
            (std::vector<std::string>{"bounced"}));
  EXPECT_FALSE(store_->remove_webhook(gone->id).ok());
}

// --- webhook deliveries ---

TEST_P(StoreContract, DueWebhookDeliveriesOldestFirstWithinTheLimit) {
  auto hook = store_->create_webhook(hook_of(""));
  ASSERT_TRUE(hook.ok());
  ASSERT_TRUE(store_
                  ->enqueue_webhook_deliveries({delivery_of(hook->id, "later", kT0 + 3000),
                                                delivery_of(hook->id, "second", kT0 + 2000),
                                                delivery_of(hook->id, "first", kT0 + 1000),
                                                delivery_of(hook->id, "future", kT0 + 60000)})
                  .ok());
  EXPECT_EQ(events_of(store_->due_webhook_deliveries(kT0 + 3000, 10)),
            (std::vector<std::string>{"first", "second", "later"}));
  EXPECT_EQ(events_of(store_->due_webhook_deliveries(kT0 + 3000, 2)),
            (std::vector<std::string>{"first", "second"}));
  EXPECT_TRUE(store_->due_webhook_deliveries(kT0, 10).empty());
  auto due = store_->due_webhook_deliveries(kT0 + 1000, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_GT(due[0].id, 0);
  EXPECT_EQ(due[0].webhook_id, hook->id);
  EXPECT_EQ(due[0].status, "pending");
  EXPECT_EQ(due[0].attempts, 0);
  EXPECT_EQ(due[0].body, R"({"event":"first"})");
  EXPECT_GT(due[0].created_at, 0);
}

TEST_P(StoreContract, EnqueueForAnUnknownWebhookFails) {
  EXPECT_FALSE(store_->enqueue_webhook_deliveries({delivery_of(4242, "delivered", kT0)}).ok());
  EXPECT_TRUE(store_->enqueue_webhook_deliveries({}).ok());
}

TEST_P(StoreContract, UpdateWebhookDeliveryWritesTheRetryState) {
  auto hook = store_->create_webhook(hook_of(""));
  ASSERT_TRUE(hook.ok());
  ASSERT_TRUE(store_->enqueue_webhook_deliveries({delivery_of(hook->id, "delivered", kT0)}).ok());
  auto row = store_->due_webhook_deliveries(kT0, 10).at(0);
  row.attempts = 1;
  row.next_attempt_at = kT0 + 30000;
  row.last_error = "HTTP 500";
  row.updated_at = kT0 + 1;
  ASSERT_TRUE(store_->update_webhook_delivery(row).ok());
  EXPECT_TRUE(store_->due_webhook_deliveries(kT0 + 29999, 10).empty());
  auto again = store_->due_webhook_deliveries(kT0 + 30000, 10);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempts, 1);
  EXPECT_EQ(again[0].last_error, "HTTP 500");
  EXPECT_EQ(again[0].updated_at, kT0 + 1);

  row.status = "delivered";
  row.attempts = 2;
  ASSERT_TRUE(store_->update_webhook_delivery(row).ok());
  EXPECT_TRUE(store_->due_webhook_deliveries(kT0 + kHour, 10).empty());
  auto listed = store_->list_webhook_deliveries(hook->id, std::string("delivered"), 10);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].attempts, 2);

  WebhookDelivery ghost = row;
  ghost.id = row.id + 100;
  EXPECT_FALSE(store_->update_webhook_delivery(ghost).ok());
}

TEST_P(StoreContract, ListWebhookDeliveriesNewestFirstByStatus) {
  auto hook = store_->create_webhook(hook_of(""));
  auto other = store_->create_webhook(hook_of("", "https://example.com/other"));
  ASSERT_TRUE(hook.ok() && other.ok());
  ASSERT_TRUE(store_
                  ->enqueue_webhook_deliveries({delivery_of(hook->id, "one", kT0),
                                                delivery_of(hook->id, "two", kT0),
                                                delivery_of(hook->id, "three", kT0),
                                                delivery_of(other->id, "elsewhere", kT0)})
                  .ok());
  auto rows = store_->list_webhook_deliveries(hook->id, std::nullopt, 10);
  EXPECT_EQ(events_of(rows), (std::vector<std::string>{"three", "two", "one"}));
  EXPECT_EQ(events_of(store_->list_webhook_deliveries(hook->id, std::nullopt, 2)),
            (std::vector<std::string>{"three", "two"}));
  WebhookDelivery dead = rows.at(1);  // "two"
  dead.status = "dead";
  dead.attempts = 6;
  dead.last_error = "connect: Connection refused";
  ASSERT_TRUE(store_->update_webhook_delivery(dead).ok());
  auto dead_rows = store_->list_webhook_deliveries(hook->id, std::string("dead"), 10);
  ASSERT_EQ(dead_rows.size(), 1u);
  EXPECT_EQ(dead_rows[0].event, "two");
  EXPECT_EQ(dead_rows[0].last_error, "connect: Connection refused");
  EXPECT_EQ(events_of(store_->list_webhook_deliveries(hook->id, std::string("pending"), 10)),
            (std::vector<std::string>{"three", "one"}));
}

TEST_P(StoreContract, RedeliverMakesADeadDeliveryDueNowKeepingItsAttempts) {
  auto hook = store_->create_webhook(hook_of(""));
  ASSERT_TRUE(hook.ok());
  ASSERT_TRUE(store_->enqueue_webhook_deliveries({delivery_of(hook->id, "bounced", kT0)}).ok());
  auto row = store_->due_webhook_deliveries(kT0, 10).at(0);
  row.status = "dead";
  row.attempts = 6;
  row.next_attempt_at = kT0 + 4 * kHour;
  row.last_error = "HTTP 503";
  ASSERT_TRUE(store_->update_webhook_delivery(row).ok());
  EXPECT_TRUE(store_->due_webhook_deliveries(kT0 + 10 * kHour, 10).empty());  // dead: never due

  const Millis now = kT0 + 5 * kHour;
  ASSERT_TRUE(store_->redeliver_webhook_delivery(row.id, now).ok());
  EXPECT_TRUE(store_->due_webhook_deliveries(now - 1, 10).empty());
  auto due = store_->due_webhook_deliveries(now, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, row.id);
  EXPECT_EQ(due[0].status, "pending");
  EXPECT_EQ(due[0].attempts, 6);
  EXPECT_EQ(due[0].next_attempt_at, now);
  EXPECT_TRUE(store_->list_webhook_deliveries(hook->id, std::string("dead"), 10).empty());

  // A pending one may be hurried up as well; an unknown id is an error.
  ASSERT_TRUE(store_->redeliver_webhook_delivery(row.id, now - 100).ok());
  EXPECT_EQ(store_->due_webhook_deliveries(now - 100, 10).size(), 1u);
  EXPECT_FALSE(store_->redeliver_webhook_delivery(row.id + 100, now).ok());
}

// --- overview ---

TEST_P(StoreContract, HourlyStatsCountsMessagesAndFailedLoginsPerHour) {
  const Millis h1 = kT0, h2 = kT0 + kHour;
  const std::vector<MessageEvent> messages = {
      message(h1 + 10, "acme", "accepted"),      message(h1 + 20, "acme", "accepted"),
      message(h1 + 30, "acme", "delivered"),     message(h1 + 40, "beta", "accepted"),
      message(h1 + 50, "beta", "rejected"),      message(h2 + 1, "acme", "deferred"),
      message(h2 + 2, "acme", "bounced"),        message(h2 + 3, "acme", "expired"),
      message(h2 + kHour - 1, "beta", "delivered"),
      message(h1 - kHour, "acme", "accepted"),  // before `since`'s hour: not counted
  };
  ASSERT_TRUE(store_->append_message_events(messages).ok());
  const std::vector<AuthEvent> logins = {
      auth(h1 + 5, std::string("acme"), "fail"), auth(h1 + 6, std::nullopt, "fail"),
      auth(h1 + 7, std::string("acme"), "ok"),   auth(h2 + 8, std::string("beta"), "fail"),
  };
  ASSERT_TRUE(store_->append_auth_events(logins).ok());

  // `since` inside the first hour still counts that whole hour.
  auto all = store_->hourly_stats(h1 + 25, std::nullopt);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].hour, h1);
  EXPECT_EQ(all[0].accepted, 3);
  EXPECT_EQ(all[0].delivered, 1);
  EXPECT_EQ(all[0].rejected, 1);
  EXPECT_EQ(all[0].deferred, 0);
  EXPECT_EQ(all[0].auth_failed, 2);
  EXPECT_EQ(all[1].hour, h2);
  EXPECT_EQ(all[1].accepted, 0);
  EXPECT_EQ(all[1].delivered, 1);
  EXPECT_EQ(all[1].deferred, 1);
  EXPECT_EQ(all[1].bounced, 1);
  EXPECT_EQ(all[1].expired, 1);
  EXPECT_EQ(all[1].auth_failed, 1);

  auto acme = store_->hourly_stats(h1, std::string("acme"));
  ASSERT_EQ(acme.size(), 2u);
  EXPECT_EQ(acme[0].accepted, 2);
  EXPECT_EQ(acme[0].delivered, 1);
  EXPECT_EQ(acme[0].rejected, 0);
  EXPECT_EQ(acme[0].auth_failed, 1);
  EXPECT_EQ(acme[1].delivered, 0);
  EXPECT_EQ(acme[1].deferred, 1);
  EXPECT_EQ(acme[1].auth_failed, 0);

  auto later = store_->hourly_stats(h2, std::string("beta"));
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].hour, h2);
  EXPECT_EQ(later[0].delivered, 1);
  EXPECT_EQ(later[0].auth_failed, 1);
  EXPECT_TRUE(store_->hourly_stats(h2 + kHour, std::nullopt).empty());
}

}  // namespace postern::storage::testing
