#include "api/api_test_support.h"

#include "auth/api_key.h"
#include "dkim/domains.h"
#include "http/message.h"
#include "queue/spool.h"

namespace postern::api::testing {

std::string Answer::header(const std::string& name) const {
  for (const auto& [k, v] : response.headers)
    if (k == name) return v;
  return "";
}

http::Request make_request(const std::string& method, const std::string& target,
                           const std::string& body,
                           const std::map<std::string, std::string>& headers) {
  http::Request r;
  r.method = method;
  r.target = target;
  EXPECT_TRUE(http::parse_target(target, r.path, r.query)) << target;
  r.headers = headers;
  r.body = body;
  r.peer_ip = "127.0.0.1";
  return r;
}

void ApiTest::SetUp() {
  config_.data_dir = dir_.path().string();
  config_.hostname = "relay.test";
  config_.spf_include = "_spf.relay.test";
  auto store = storage::open_store("sqlite:" + dir_.file("postern.db"));
  ASSERT_TRUE(store.ok()) << store.error().message;
  store_ = std::move(store).value();
  ASSERT_TRUE(queue::Spool(config_.data_dir + "/spool").open().ok());
  ASSERT_TRUE(store_->create_account("acme").ok());
  ASSERT_TRUE(store_->create_account("globex").ok());
  api_ = std::make_unique<Api>(Dependencies{
      *store_, config_,
      [this]() -> std::unique_ptr<dns::Resolver> {
        return std::make_unique<dkim::testing::FakeResolver>(dns_);
      },
      {}, nullptr, clock_, ""});
  admin_key_ = add_key("root", "");
  acme_key_ = add_key("acme-ops", "acme");
}

void ApiTest::TearDown() {
  api_.reset();
  store_.reset();
}

Answer ApiTest::call(const std::string& method, const std::string& target,
                     const std::optional<nlohmann::json>& body, const std::string& key,
                     const std::map<std::string, std::string>& headers) {
  auto all = headers;
  const std::string k = key == "<admin>" ? admin_key_ : key;
  if (!k.empty()) all["authorization"] = "Bearer " + k;
  return send(make_request(method, target, body ? body->dump() : "", all));
}

Answer ApiTest::send(const http::Request& request) {
  Answer a;
  a.response = api_->handle(request);
  a.status = a.response.status;
  if (a.response.content_type.rfind("application/json", 0) == 0 && !a.response.body.empty())
    a.json = nlohmann::json::parse(a.response.body);
  return a;
}

std::string ApiTest::add_key(const std::string& name, const std::string& account) {
  const std::string key = auth::generate_api_key();
  storage::ApiKey row;
  row.name = name;
  row.account = account;
  row.key_hash = auth::hash_api_key(key);
  row.prefix = auth::api_key_prefix(key);
  auto created = store_->create_api_key(row);
  EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message);
  return key;
}

storage::SmtpUser ApiTest::add_user(const std::string& account, const std::string& username) {
  auto a = store_->find_account(account);
  EXPECT_TRUE(a.has_value());
  storage::SmtpUser user;
  user.account_id = a->id;
  user.account_name = a->name;
  user.username = username;
  user.password_hash = "$dummy$";
  auto created = store_->create_user(user);
  EXPECT_TRUE(created.ok());
  return created.ok() ? created.value() : user;
}

storage::Domain ApiTest::add_domain(const std::string& account, const std::string& name) {
  auto d = dkim::add_domain_with_keys(*store_, dkim::KeyStore(config_.data_dir), account, name,
                                      clock_.now_ms(), {storage::DkimAlgorithm::Ed25519});
  EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().message);
  return d.ok() ? d.value() : storage::Domain{};
}

std::string ApiTest::add_queued(const std::string& account, const std::string& username) {
  queue::Spool spool(config_.data_dir + "/spool");
  queue::EnvelopeRecord e;
  e.mail_from = "app@" + account + ".example";
  e.recipients = {"bob@example.org"};
  e.username = username;
  e.user_uuid = "00000000-0000-4000-8000-000000000000";
  e.account = account;
  e.client_ip = "192.0.2.1";
  e.received_at = clock_.now_ms();
  auto id = spool.store(e, "Subject: hi\r\n\r\nHello.\r\n");
  EXPECT_TRUE(id.ok());
  const std::string qid = id.ok() ? id.value() : "";
  EXPECT_TRUE(store_->add_deliveries(qid, e.recipients, clock_.now_ms(), clock_.now_ms() + 60000).ok());
  add_message_event(account, qid, "accepted");
  return qid;
}

void ApiTest::add_message_event(const std::string& account, const std::string& id,
                                const std::string& status) {
  storage::MessageEvent e;
  e.time = clock_.now_ms();
  e.id = id;
  e.user = account + "-app";
  e.account = account;
  e.ip = "192.0.2.1";
  e.mail_from = "app@" + account + ".example";
  e.rcpt = "bob@example.org";
  e.status = status;
  EXPECT_TRUE(store_->append_message_events({&e, 1}).ok());
}

void ApiTest::add_auth_event(const std::optional<std::string>& account, const std::string& username,
                             const std::string& result, const std::string& reason) {
  storage::AuthEvent e;
  e.time = clock_.now_ms();
  e.session = "s1";
  e.ip = "192.0.2.7";
  e.port = 40000;
  e.listener = "submission";
  e.mechanism = "PLAIN";
  e.username = username;
  e.account = account;
  e.result = result;
  e.reason = result == "ok" ? "ok" : reason;
  EXPECT_TRUE(store_->append_auth_events({&e, 1}).ok());
}

storage::Webhook ApiTest::add_webhook(const std::string& account) {
  storage::Webhook w;
  w.account = account;
  w.url = "http://127.0.0.1:9/hook";
  w.events = {"delivered", "bounced"};
  w.secret = "whsec_test-secret";
  auto created = store_->create_webhook(w);
  EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message);
  return created.ok() ? created.value() : w;
}

void ApiTest::add_delivery(std::int64_t webhook_id, const std::string& status) {
  storage::WebhookDelivery d;
  d.webhook_id = webhook_id;
  d.event = "delivered";
  d.body = R"({"type":"delivered"})";
  d.next_attempt_at = clock_.now_ms();
  d.created_at = clock_.now_ms();
  d.updated_at = clock_.now_ms();
  EXPECT_TRUE(store_->enqueue_webhook_deliveries({d}).ok());
  if (status != "pending") {
    auto rows = store_->list_webhook_deliveries(webhook_id, std::string("pending"), 1);
    ASSERT_FALSE(rows.empty());
    rows[0].status = status;
    rows[0].attempts = 6;
    rows[0].last_error = "HTTP 500";
    EXPECT_TRUE(store_->update_webhook_delivery(rows[0]).ok());
  }
}

std::int64_t ApiTest::first_delivery_id(std::int64_t webhook_id) {
  auto rows = store_->list_webhook_deliveries(webhook_id, std::nullopt, 100);
  EXPECT_FALSE(rows.empty());
  return rows.empty() ? 0 : rows.back().id;
}

}  // namespace postern::api::testing
