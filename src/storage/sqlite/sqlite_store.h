// SqliteStore: the Store on one SQLite file (the default, zero-setup store). WAL journal,
// synchronous=NORMAL (a power loss may drop the last commits but never corrupts; fine for this
// metadata, NOT for the mail queue, which fsyncs itself), busy_timeout 5 s, foreign keys on.
// One connection per instance, serialised by a mutex; the server and the CLI each open their
// own instance (and process) on the same file. Thread-safe.
#pragma once
#include <memory>
#include <mutex>
#include <string>

#include "base/time.h"
#include "storage/sqlite/connection.h"
#include "storage/store.h"

namespace postern::storage::sqlite {

class SqliteStore final : public Store {
 public:
  // Creates the parent directory and the file (mode 0600 whatever the umask) if absent, sets
  // the pragmas and runs pending migrations. `clock` stamps created_at/updated_at/deleted_at
  // and must outlive the store.
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path,
                                                   const Clock& clock = default_clock());
  static const Clock& default_clock();

  Result<Account> create_account(const std::string& name) override;
  std::optional<Account> find_account(const std::string& name) override;
  std::vector<Account> list_accounts() override;
  Status set_account_status(const std::string& name, AccountStatus status,
                            const std::string& reason) override;

  Result<SmtpUser> create_user(const SmtpUser& user) override;
  std::optional<SmtpUser> find_user(const std::string& username) override;
  std::optional<SmtpUser> find_user_by_uuid(const std::string& uuid) override;
  Status update_user(const SmtpUser& user) override;
  std::vector<SmtpUser> list_users(const std::optional<std::string>& account) override;
  void record_login(std::int64_t user_id, Millis when) override;

  Status append_auth_events(std::span<const AuthEvent> events) override;
  std::vector<AuthEvent> query_auth_events(const AuthEventFilter& filter) override;

  std::int64_t change_marker() override;

  // --- MessageStore (sqlite_messages.cc) ---
  Status add_deliveries(const std::string& queue_id, std::span<const std::string> recipients,
                        Millis queued_at, Millis due) override;
  std::vector<Delivery> due_deliveries(Millis now, int limit) override;
  std::vector<Delivery> deliveries_of(const std::string& queue_id) override;
  Status update_deliveries(std::span<const Delivery> rows) override;
  std::int64_t retry_now(const std::optional<std::string>& queue_id, Millis now) override;
  std::vector<std::string> queued_message_ids() override;
  std::optional<Millis> next_due() override;
  Status append_message_events(std::span<const MessageEvent> events) override;
  std::vector<MessageEvent> query_message_events(const MessageEventFilter& filter) override;

  // --- DomainStore (sqlite_domains.cc) ---
  Result<Domain> add_domain(const std::string& account, const std::string& name,
                            const std::vector<DkimSelector>& selectors) override;
  std::optional<Domain> find_domain(const std::string& name) override;
  std::vector<Domain> list_domains(const std::optional<std::string>& account) override;
  Status remove_domain(const std::string& name) override;
  std::optional<Domain> domain_of_account(const std::string& account,
                                          const std::string& name) override;
  Status set_verification(const std::string& name, const DomainVerification& v) override;

  // --- PolicyStore (sqlite_policy.cc) ---
  Result<QuotaCharge> charge_quota(std::int64_t user_id, Millis period_start, std::int64_t n,
                                   std::int64_t limit) override;
  Status refund_quota(std::int64_t user_id, Millis period_start, std::int64_t n) override;
  QuotaUsage quota_usage(std::int64_t user_id, Millis period_start) override;
  Status set_account_rate(const std::string& account, const std::string& rate) override;
  std::string account_rate(std::int64_t account_id) override;
  Result<std::optional<std::size_t>> try_add_rate(std::span<const RateLimitKey> limits,
                                                  Millis now) override;  // sqlite_rates.cc
  Result<bool> add_suppression(const std::string& account, const std::string& address,
                               const std::string& reason) override;
  Result<bool> remove_suppression(const std::string& account, const std::string& address) override;
  Result<std::vector<Suppression>> list_suppressions(const std::string& account) override;
  Result<std::int64_t> import_suppressions(const std::string& account,
                                           std::span<const Suppression> rows) override;
  bool is_suppressed(std::int64_t account_id, const std::string& address) override;
  Result<IdempotencyClaim> claim_idempotency_key(std::int64_t user_id, const std::string& key,
                                                 const std::string& body_hash, Millis now,
                                                 Millis ttl, Millis in_flight_timeout) override;
  Status complete_idempotency_key(std::int64_t user_id, const std::string& key,
                                  const std::string& queue_id) override;
  Status release_idempotency_key(std::int64_t user_id, const std::string& key) override;

  // --- ControlStore (sqlite_control.cc) ---
  Result<ApiKey> create_api_key(const ApiKey& key) override;
  std::optional<ApiKey> find_api_key_by_hash(const std::string& key_hash) override;
  std::vector<ApiKey> list_api_keys(const std::optional<std::string>& account) override;
  Status revoke_api_key(const std::string& name) override;
  void touch_api_key(std::int64_t id, Millis when) override;
  Result<Webhook> create_webhook(const Webhook& hook) override;
  std::optional<Webhook> find_webhook(std::int64_t id) override;
  std::vector<Webhook> list_webhooks(const std::optional<std::string>& account) override;
  Status remove_webhook(std::int64_t id) override;
  Status enqueue_webhook_deliveries(const std::vector<WebhookDelivery>& rows) override;
  std::vector<WebhookDelivery> due_webhook_deliveries(Millis now, int limit) override;
  Status update_webhook_delivery(const WebhookDelivery& row) override;
  std::vector<WebhookDelivery> list_webhook_deliveries(std::int64_t webhook_id,
                                                       const std::optional<std::string>& status,
                                                       int limit) override;
  Status redeliver_webhook_delivery(std::int64_t id, Millis now) override;
  std::vector<HourlyStats> hourly_stats(Millis since,
                                        const std::optional<std::string>& account) override;

  int schema_version() const { return schema_version_; }

 private:
  SqliteStore(std::unique_ptr<Connection> conn, const Clock& clock, int schema_version);

  // The helpers below expect mu_ held.
  std::optional<SmtpUser> select_user(const std::string& where, const std::string& key);
  std::vector<std::string> load_domains(std::int64_t user_id);
  void store_domains(std::int64_t user_id, const std::vector<std::string>& domains);

  std::mutex mu_;
  std::unique_ptr<Connection> conn_;
  const Clock& clock_;
  int schema_version_;
  std::int64_t local_changes_ = 0;  // account/user writes through this instance
};

}  // namespace postern::storage::sqlite
