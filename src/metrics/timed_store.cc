#include "metrics/timed_store.h"

#include <chrono>

namespace postern::metrics {

enum class TimedStore::Op : int {
  create_account,
  find_account,
  list_accounts,
  set_account_status,
  create_user,
  find_user,
  find_user_by_uuid,
  update_user,
  list_users,
  record_login,
  append_auth_events,
  query_auth_events,
  change_marker,
  add_domain,
  find_domain,
  list_domains,
  remove_domain,
  domain_of_account,
  set_verification,
  charge_quota,
  refund_quota,
  quota_usage,
  set_account_rate,
  account_rate,
  try_add_rate,
  add_suppression,
  remove_suppression,
  list_suppressions,
  import_suppressions,
  is_suppressed,
  claim_idempotency_key,
  complete_idempotency_key,
  release_idempotency_key,
  add_deliveries,
  due_deliveries,
  deliveries_of,
  update_deliveries,
  retry_now,
  queued_message_ids,
  next_due,
  append_message_events,
  query_message_events,
  create_api_key,
  find_api_key_by_hash,
  list_api_keys,
  revoke_api_key,
  touch_api_key,
  create_webhook,
  find_webhook,
  list_webhooks,
  remove_webhook,
  enqueue_webhook_deliveries,
  due_webhook_deliveries,
  update_webhook_delivery,
  list_webhook_deliveries,
  redeliver_webhook_delivery,
  hourly_stats,
  count_
};

namespace {

// Indexed by TimedStore::Op: the op label of each method.
constexpr const char* kOpNames[] = {
    "create_account",
    "find_account",
    "list_accounts",
    "set_account_status",
    "create_user",
    "find_user",
    "find_user_by_uuid",
    "update_user",
    "list_users",
    "record_login",
    "append_auth_events",
    "query_auth_events",
    "change_marker",
    "add_domain",
    "find_domain",
    "list_domains",
    "remove_domain",
    "domain_of_account",
    "set_verification",
    "charge_quota",
    "refund_quota",
    "quota_usage",
    "set_account_rate",
    "account_rate",
    "try_add_rate",
    "add_suppression",
    "remove_suppression",
    "list_suppressions",
    "import_suppressions",
    "is_suppressed",
    "claim_idempotency_key",
    "complete_idempotency_key",
    "release_idempotency_key",
    "add_deliveries",
    "due_deliveries",
    "deliveries_of",
    "update_deliveries",
    "retry_now",
    "queued_message_ids",
    "next_due",
    "append_message_events",
    "query_message_events",
    "create_api_key",
    "find_api_key_by_hash",
    "list_api_keys",
    "revoke_api_key",
    "touch_api_key",
    "create_webhook",
    "find_webhook",
    "list_webhooks",
    "remove_webhook",
    "enqueue_webhook_deliveries",
    "due_webhook_deliveries",
    "update_webhook_delivery",
    "list_webhook_deliveries",
    "redeliver_webhook_delivery",
    "hourly_stats",
};

}  // namespace

class TimedStore::Timer {
 public:
  Timer(TimedStore& store, Op op)
      : histogram_(store.histogram(op)), start_(std::chrono::steady_clock::now()) {}
  // Observes on every exit, a thrown StoreError included.
  ~Timer() {
    std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
    histogram_.observe(elapsed.count());
  }
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

 private:
  Histogram& histogram_;
  std::chrono::steady_clock::time_point start_;
};

static_assert(sizeof(kOpNames) / sizeof(kOpNames[0]) == 57);

TimedStore::TimedStore(storage::Store& inner, Registry& registry)
    : inner_(inner),
      registry_(registry),
      histograms_(
          std::make_unique<std::atomic<Histogram*>[]>(static_cast<std::size_t>(Op::count_))) {
  for (int i = 0; i < static_cast<int>(Op::count_); ++i) histograms_[i].store(nullptr);
}

TimedStore::~TimedStore() = default;

Histogram& TimedStore::histogram(Op op) {
  auto i = static_cast<std::size_t>(op);
  Histogram* h = histograms_[i].load(std::memory_order_acquire);
  if (!h) {
    // Two threads may both look it up: the registry hands both the same child.
    h = &registry_.histogram("postern_store_operation_seconds", "Store calls by operation.",
                             fast_latency_buckets(), {{"op", kOpNames[i]}});
    histograms_[i].store(h, std::memory_order_release);
  }
  return *h;
}

Result<storage::Account> TimedStore::create_account(const std::string& name) {
  Timer t(*this, Op::create_account);
  return inner_.create_account(name);
}

std::optional<storage::Account> TimedStore::find_account(const std::string& name) {
  Timer t(*this, Op::find_account);
  return inner_.find_account(name);
}

std::vector<storage::Account> TimedStore::list_accounts() {
  Timer t(*this, Op::list_accounts);
  return inner_.list_accounts();
}

Status TimedStore::set_account_status(const std::string& name, storage::AccountStatus status,
                                      const std::string& reason) {
  Timer t(*this, Op::set_account_status);
  return inner_.set_account_status(name, status, reason);
}

Result<storage::SmtpUser> TimedStore::create_user(const storage::SmtpUser& user) {
  Timer t(*this, Op::create_user);
  return inner_.create_user(user);
}

std::optional<storage::SmtpUser> TimedStore::find_user(const std::string& username) {
  Timer t(*this, Op::find_user);
  return inner_.find_user(username);
}

std::optional<storage::SmtpUser> TimedStore::find_user_by_uuid(const std::string& uuid) {
  Timer t(*this, Op::find_user_by_uuid);
  return inner_.find_user_by_uuid(uuid);
}

Status TimedStore::update_user(const storage::SmtpUser& user) {
  Timer t(*this, Op::update_user);
  return inner_.update_user(user);
}

std::vector<storage::SmtpUser> TimedStore::list_users(const std::optional<std::string>& account) {
  Timer t(*this, Op::list_users);
  return inner_.list_users(account);
}

void TimedStore::record_login(std::int64_t user_id, Millis when) {
  Timer t(*this, Op::record_login);
  inner_.record_login(user_id, when);
}

Status TimedStore::append_auth_events(std::span<const storage::AuthEvent> events) {
  Timer t(*this, Op::append_auth_events);
  return inner_.append_auth_events(events);
}

std::vector<storage::AuthEvent> TimedStore::query_auth_events(
    const storage::AuthEventFilter& filter) {
  Timer t(*this, Op::query_auth_events);
  return inner_.query_auth_events(filter);
}

std::int64_t TimedStore::change_marker() {
  Timer t(*this, Op::change_marker);
  return inner_.change_marker();
}

Result<storage::Domain> TimedStore::add_domain(
    const std::string& account, const std::string& name,
    const std::vector<storage::DkimSelector>& selectors) {
  Timer t(*this, Op::add_domain);
  return inner_.add_domain(account, name, selectors);
}

std::optional<storage::Domain> TimedStore::find_domain(const std::string& name) {
  Timer t(*this, Op::find_domain);
  return inner_.find_domain(name);
}

std::vector<storage::Domain> TimedStore::list_domains(const std::optional<std::string>& account) {
  Timer t(*this, Op::list_domains);
  return inner_.list_domains(account);
}

Status TimedStore::remove_domain(const std::string& name) {
  Timer t(*this, Op::remove_domain);
  return inner_.remove_domain(name);
}

std::optional<storage::Domain> TimedStore::domain_of_account(const std::string& account,
                                                             const std::string& name) {
  Timer t(*this, Op::domain_of_account);
  return inner_.domain_of_account(account, name);
}

Status TimedStore::set_verification(const std::string& name, const storage::DomainVerification& v) {
  Timer t(*this, Op::set_verification);
  return inner_.set_verification(name, v);
}

Result<storage::QuotaCharge> TimedStore::charge_quota(std::int64_t user_id, Millis period_start,
                                                      std::int64_t n, std::int64_t limit) {
  Timer t(*this, Op::charge_quota);
  return inner_.charge_quota(user_id, period_start, n, limit);
}

Status TimedStore::refund_quota(std::int64_t user_id, Millis period_start, std::int64_t n) {
  Timer t(*this, Op::refund_quota);
  return inner_.refund_quota(user_id, period_start, n);
}

storage::QuotaUsage TimedStore::quota_usage(std::int64_t user_id, Millis period_start) {
  Timer t(*this, Op::quota_usage);
  return inner_.quota_usage(user_id, period_start);
}

Status TimedStore::set_account_rate(const std::string& account, const std::string& rate) {
  Timer t(*this, Op::set_account_rate);
  return inner_.set_account_rate(account, rate);
}

std::string TimedStore::account_rate(std::int64_t account_id) {
  Timer t(*this, Op::account_rate);
  return inner_.account_rate(account_id);
}

Result<std::optional<std::size_t>> TimedStore::try_add_rate(
    std::span<const storage::RateLimitKey> limits, Millis now) {
  Timer t(*this, Op::try_add_rate);
  return inner_.try_add_rate(limits, now);
}

Result<bool> TimedStore::add_suppression(const std::string& account, const std::string& address,
                                         const std::string& reason) {
  Timer t(*this, Op::add_suppression);
  return inner_.add_suppression(account, address, reason);
}

Result<bool> TimedStore::remove_suppression(const std::string& account,
                                            const std::string& address) {
  Timer t(*this, Op::remove_suppression);
  return inner_.remove_suppression(account, address);
}

Result<std::vector<storage::Suppression>> TimedStore::list_suppressions(
    const std::string& account) {
  Timer t(*this, Op::list_suppressions);
  return inner_.list_suppressions(account);
}

Result<std::int64_t> TimedStore::import_suppressions(const std::string& account,
                                                     std::span<const storage::Suppression> rows) {
  Timer t(*this, Op::import_suppressions);
  return inner_.import_suppressions(account, rows);
}

bool TimedStore::is_suppressed(std::int64_t account_id, const std::string& address) {
  Timer t(*this, Op::is_suppressed);
  return inner_.is_suppressed(account_id, address);
}

Result<storage::IdempotencyClaim> TimedStore::claim_idempotency_key(std::int64_t user_id,
                                                                    const std::string& key,
                                                                    const std::string& body_hash,
                                                                    Millis now, Millis ttl,
                                                                    Millis in_flight_timeout) {
  Timer t(*this, Op::claim_idempotency_key);
  return inner_.claim_idempotency_key(user_id, key, body_hash, now, ttl, in_flight_timeout);
}

Status TimedStore::complete_idempotency_key(std::int64_t user_id, const std::string& key,
                                            const std::string& queue_id) {
  Timer t(*this, Op::complete_idempotency_key);
  return inner_.complete_idempotency_key(user_id, key, queue_id);
}

Status TimedStore::release_idempotency_key(std::int64_t user_id, const std::string& key) {
  Timer t(*this, Op::release_idempotency_key);
  return inner_.release_idempotency_key(user_id, key);
}

Status TimedStore::add_deliveries(const std::string& queue_id,
                                  std::span<const std::string> recipients, Millis queued_at,
                                  Millis due) {
  Timer t(*this, Op::add_deliveries);
  return inner_.add_deliveries(queue_id, recipients, queued_at, due);
}

std::vector<storage::Delivery> TimedStore::due_deliveries(Millis now, int limit) {
  Timer t(*this, Op::due_deliveries);
  return inner_.due_deliveries(now, limit);
}

std::vector<storage::Delivery> TimedStore::deliveries_of(const std::string& queue_id) {
  Timer t(*this, Op::deliveries_of);
  return inner_.deliveries_of(queue_id);
}

Status TimedStore::update_deliveries(std::span<const storage::Delivery> rows) {
  Timer t(*this, Op::update_deliveries);
  return inner_.update_deliveries(rows);
}

std::int64_t TimedStore::retry_now(const std::optional<std::string>& queue_id, Millis now) {
  Timer t(*this, Op::retry_now);
  return inner_.retry_now(queue_id, now);
}

std::vector<std::string> TimedStore::queued_message_ids() {
  Timer t(*this, Op::queued_message_ids);
  return inner_.queued_message_ids();
}

std::optional<Millis> TimedStore::next_due() {
  Timer t(*this, Op::next_due);
  return inner_.next_due();
}

Status TimedStore::append_message_events(std::span<const storage::MessageEvent> events) {
  Timer t(*this, Op::append_message_events);
  return inner_.append_message_events(events);
}

std::vector<storage::MessageEvent> TimedStore::query_message_events(
    const storage::MessageEventFilter& filter) {
  Timer t(*this, Op::query_message_events);
  return inner_.query_message_events(filter);
}

Result<storage::ApiKey> TimedStore::create_api_key(const storage::ApiKey& key) {
  Timer t(*this, Op::create_api_key);
  return inner_.create_api_key(key);
}

std::optional<storage::ApiKey> TimedStore::find_api_key_by_hash(const std::string& key_hash) {
  Timer t(*this, Op::find_api_key_by_hash);
  return inner_.find_api_key_by_hash(key_hash);
}

std::vector<storage::ApiKey> TimedStore::list_api_keys(const std::optional<std::string>& account) {
  Timer t(*this, Op::list_api_keys);
  return inner_.list_api_keys(account);
}

Status TimedStore::revoke_api_key(const std::string& name) {
  Timer t(*this, Op::revoke_api_key);
  return inner_.revoke_api_key(name);
}

void TimedStore::touch_api_key(std::int64_t id, Millis when) {
  Timer t(*this, Op::touch_api_key);
  inner_.touch_api_key(id, when);
}

Result<storage::Webhook> TimedStore::create_webhook(const storage::Webhook& hook) {
  Timer t(*this, Op::create_webhook);
  return inner_.create_webhook(hook);
}

std::optional<storage::Webhook> TimedStore::find_webhook(std::int64_t id) {
  Timer t(*this, Op::find_webhook);
  return inner_.find_webhook(id);
}

std::vector<storage::Webhook> TimedStore::list_webhooks(const std::optional<std::string>& account) {
  Timer t(*this, Op::list_webhooks);
  return inner_.list_webhooks(account);
}

Status TimedStore::remove_webhook(std::int64_t id) {
  Timer t(*this, Op::remove_webhook);
  return inner_.remove_webhook(id);
}

Status TimedStore::enqueue_webhook_deliveries(const std::vector<storage::WebhookDelivery>& rows) {
  Timer t(*this, Op::enqueue_webhook_deliveries);
  return inner_.enqueue_webhook_deliveries(rows);
}

std::vector<storage::WebhookDelivery> TimedStore::due_webhook_deliveries(Millis now, int limit) {
  Timer t(*this, Op::due_webhook_deliveries);
  return inner_.due_webhook_deliveries(now, limit);
}

Status TimedStore::update_webhook_delivery(const storage::WebhookDelivery& row) {
  Timer t(*this, Op::update_webhook_delivery);
  return inner_.update_webhook_delivery(row);
}

std::vector<storage::WebhookDelivery> TimedStore::list_webhook_deliveries(
    std::int64_t webhook_id, const std::optional<std::string>& status, int limit) {
  Timer t(*this, Op::list_webhook_deliveries);
  return inner_.list_webhook_deliveries(webhook_id, status, limit);
}

Status TimedStore::redeliver_webhook_delivery(std::int64_t id, Millis now) {
  Timer t(*this, Op::redeliver_webhook_delivery);
  return inner_.redeliver_webhook_delivery(id, now);
}

std::vector<storage::HourlyStats> TimedStore::hourly_stats(
    Millis since, const std::optional<std::string>& account) {
  Timer t(*this, Op::hourly_stats);
  return inner_.hourly_stats(since, account);
}

}  // namespace postern::metrics
