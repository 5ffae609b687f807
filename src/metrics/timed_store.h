// metrics::TimedStore: a storage::Store that forwards every call to another Store and times it
// in postern_store_operation_seconds{op="<method>"} (fast_latency_buckets). Serve wraps the
// real store in it once, and every module uses the wrapper, so /metrics shows store latency
// per operation. Thread-safe exactly as the inner store is; adds no locking of its own beyond
// the first use of each operation's histogram. Every method of Store (and of the interfaces it
// extends) must be forwarded here: Store's methods are pure, so a new one fails to compile
// until it is added.
#pragma once
#include <atomic>
#include <memory>

#include "metrics/registry.h"
#include "storage/store.h"

namespace postern::metrics {

class TimedStore final : public storage::Store {
 public:
  // `inner` and `registry` must outlive this.
  TimedStore(storage::Store& inner, Registry& registry);
  ~TimedStore() override;

  storage::Store& inner() { return inner_; }

  // --- store ---
  Result<storage::Account> create_account(const std::string& name) override;
  std::optional<storage::Account> find_account(const std::string& name) override;
  std::vector<storage::Account> list_accounts() override;
  Status set_account_status(const std::string& name, storage::AccountStatus status,
                            const std::string& reason) override;
  Result<storage::SmtpUser> create_user(const storage::SmtpUser& user) override;
  std::optional<storage::SmtpUser> find_user(const std::string& username) override;
  std::optional<storage::SmtpUser> find_user_by_uuid(const std::string& uuid) override;
  Status update_user(const storage::SmtpUser& user) override;
  std::vector<storage::SmtpUser> list_users(const std::optional<std::string>& account) override;
  void record_login(std::int64_t user_id, Millis when) override;
  Status append_auth_events(std::span<const storage::AuthEvent> events) override;
  std::vector<storage::AuthEvent> query_auth_events(
      const storage::AuthEventFilter& filter) override;
  std::int64_t change_marker() override;
  // --- domain_store ---
  Result<storage::Domain> add_domain(const std::string& account, const std::string& name,
                                     const std::vector<storage::DkimSelector>& selectors) override;
  std::optional<storage::Domain> find_domain(const std::string& name) override;
  std::vector<storage::Domain> list_domains(const std::optional<std::string>& account) override;
  Status remove_domain(const std::string& name) override;
  std::optional<storage::Domain> domain_of_account(const std::string& account,
                                                   const std::string& name) override;
  Status set_verification(const std::string& name, const storage::DomainVerification& v) override;
  // --- policy_store ---
  Result<storage::QuotaCharge> charge_quota(std::int64_t user_id, Millis period_start,
                                            std::int64_t n, std::int64_t limit) override;
  Status refund_quota(std::int64_t user_id, Millis period_start, std::int64_t n) override;
  storage::QuotaUsage quota_usage(std::int64_t user_id, Millis period_start) override;
  Status set_account_rate(const std::string& account, const std::string& rate) override;
  std::string account_rate(std::int64_t account_id) override;
  Result<std::optional<std::size_t>> try_add_rate(std::span<const storage::RateLimitKey> limits,
                                                  Millis now) override;
  Result<bool> add_suppression(const std::string& account, const std::string& address,
                               const std::string& reason) override;
  Result<bool> remove_suppression(const std::string& account, const std::string& address) override;
  Result<std::vector<storage::Suppression>> list_suppressions(const std::string& account) override;
  Result<std::int64_t> import_suppressions(const std::string& account,
                                           std::span<const storage::Suppression> rows) override;
  bool is_suppressed(std::int64_t account_id, const std::string& address) override;
  Result<storage::IdempotencyClaim> claim_idempotency_key(std::int64_t user_id,
                                                          const std::string& key,
                                                          const std::string& body_hash, Millis now,
                                                          Millis ttl,
                                                          Millis in_flight_timeout) override;
  Status complete_idempotency_key(std::int64_t user_id, const std::string& key,
                                  const std::string& queue_id) override;
  Status release_idempotency_key(std::int64_t user_id, const std::string& key) override;
  // --- message_store ---
  Status add_deliveries(const std::string& queue_id, std::span<const std::string> recipients,
                        Millis queued_at, Millis due) override;
  std::vector<storage::Delivery> due_deliveries(Millis now, int limit) override;
  std::vector<storage::Delivery> deliveries_of(const std::string& queue_id) override;
  Status update_deliveries(std::span<const storage::Delivery> rows) override;
  std::int64_t retry_now(const std::optional<std::string>& queue_id, Millis now) override;
  std::vector<std::string> queued_message_ids() override;
  std::optional<Millis> next_due() override;
  Status append_message_events(std::span<const storage::MessageEvent> events) override;
  std::vector<storage::MessageEvent> query_message_events(
      const storage::MessageEventFilter& filter) override;
  // --- control_store ---
  Result<storage::ApiKey> create_api_key(const storage::ApiKey& key) override;
  std::optional<storage::ApiKey> find_api_key_by_hash(const std::string& key_hash) override;
  std::vector<storage::ApiKey> list_api_keys(const std::optional<std::string>& account) override;
  Status revoke_api_key(const std::string& name) override;
  void touch_api_key(std::int64_t id, Millis when) override;
  Result<storage::Webhook> create_webhook(const storage::Webhook& hook) override;
  std::optional<storage::Webhook> find_webhook(std::int64_t id) override;
  std::vector<storage::Webhook> list_webhooks(const std::optional<std::string>& account) override;
  Status remove_webhook(std::int64_t id) override;
  Status enqueue_webhook_deliveries(const std::vector<storage::WebhookDelivery>& rows) override;
  std::vector<storage::WebhookDelivery> due_webhook_deliveries(Millis now, int limit) override;
  Status update_webhook_delivery(const storage::WebhookDelivery& row) override;
  std::vector<storage::WebhookDelivery> list_webhook_deliveries(
      std::int64_t webhook_id, const std::optional<std::string>& status, int limit) override;
  Status redeliver_webhook_delivery(std::int64_t id, Millis now) override;
  std::vector<storage::HourlyStats> hourly_stats(
      Millis since, const std::optional<std::string>& account) override;

 private:
  enum class Op : int;
  class Timer;
  Histogram& histogram(Op op);

  storage::Store& inner_;
  Registry& registry_;
  std::unique_ptr<std::atomic<Histogram*>[]> histograms_;  // per Op, made on first use
};

}  // namespace postern::metrics
