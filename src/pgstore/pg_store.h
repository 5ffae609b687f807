// PgStore: the Store on PostgreSQL, for several relay nodes sharing one database (issue 8).
// A bounded pool of libpq connections serves the calls (any thread; the server calls from
// its blocking pool); a dedicated LISTEN connection hears the other nodes' changes
// (change_marker). Counters are exact across nodes: every read-modify-write is one atomic
// statement or one transaction on row locks. Migrations run at open() under an advisory
// lock. Failures of the database throw StoreError from the methods that cannot return an
// Error. See docs/storage-postgres.md. Thread-safe.
#pragma once
#include <atomic>
#include <memory>
#include <string>

#include "base/time.h"
#include "pgstore/conninfo.h"
#include "pgstore/listener.h"
#include "pgstore/pool.h"
#include "storage/store.h"

namespace postern::pgstore {

const Clock& default_clock();

struct Options {
  PoolOptions pool;
};

// Opens the store at a "postgresql://user:password@host:port/dbname?..." URL (libpq's URI
// syntax), creating or upgrading the schema. `clock` stamps created_at/updated_at/deleted_at
// and must outlive the store. Errors never quote the URL's password.
Result<std::unique_ptr<storage::Store>> open(const std::string& url,
                                             const Clock& clock = default_clock(),
                                             const Options& options = {});

class PgStore final : public storage::Store {
 public:
  static Result<std::unique_ptr<PgStore>> open(const std::string& url,
                                               const Clock& clock = default_clock(),
                                               const Options& options = {});
  ~PgStore() override;

  // --- Store (pg_store.cc, pg_users.cc, pg_auth_log.cc) ---
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
  std::vector<storage::AuthEvent> query_auth_events(const storage::AuthEventFilter& f) override;
  std::int64_t change_marker() override;

  // --- MessageStore (pg_messages.cc) ---
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

  // --- DomainStore (pg_domains.cc) ---
  Result<storage::Domain> add_domain(const std::string& account, const std::string& name,
                                     const std::vector<storage::DkimSelector>& selectors) override;
  std::optional<storage::Domain> find_domain(const std::string& name) override;
  std::vector<storage::Domain> list_domains(const std::optional<std::string>& account) override;
  Status remove_domain(const std::string& name) override;
  std::optional<storage::Domain> domain_of_account(const std::string& account,
                                                   const std::string& name) override;
  Status set_verification(const std::string& name, const storage::DomainVerification& v) override;

  // --- PolicyStore (pg_policy.cc) ---
  Result<storage::QuotaCharge> charge_quota(std::int64_t user_id, Millis period_start,
                                            std::int64_t n, std::int64_t limit) override;
  Status refund_quota(std::int64_t user_id, Millis period_start, std::int64_t n) override;
  storage::QuotaUsage quota_usage(std::int64_t user_id, Millis period_start) override;
  Status set_account_rate(const std::string& account, const std::string& rate) override;
  std::string account_rate(std::int64_t account_id) override;
  Result<std::optional<std::size_t>> try_add_rate(std::span<const storage::RateLimitKey> limits,
                                                  Millis now) override;  // pg_rates.cc
  Result<bool> add_suppression(const std::string& account, const std::string& address,
                               const std::string& reason) override;
  Result<bool> remove_suppression(const std::string& account, const std::string& address) override;
  Result<std::vector<storage::Suppression>> list_suppressions(const std::string& account) override;
  Result<std::int64_t> import_suppressions(const std::string& account,
                                           std::span<const storage::Suppression> rows) override;
  bool is_suppressed(std::int64_t account_id, const std::string& address) override;
  Result<storage::IdempotencyClaim> claim_idempotency_key(std::int64_t user_id,
                                                          const std::string& key,
                                                          const std::string& body_hash,
                                                          Millis now, Millis ttl,
                                                          Millis in_flight_timeout) override;
  Status complete_idempotency_key(std::int64_t user_id, const std::string& key,
                                  const std::string& queue_id) override;
  Status release_idempotency_key(std::int64_t user_id, const std::string& key) override;

  // --- ControlStore (pg_control.cc) ---
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
  std::vector<storage::HourlyStats> hourly_stats(Millis since,
                                                 const std::optional<std::string>& account) override;

  int schema_version() const { return schema_version_; }
  // This store's id in NOTIFY payloads (postern.origin).
  const std::string& origin() const { return origin_; }
  Pool& pool() { return *pool_; }
  ChangeListener& listener() { return *listener_; }

 private:
  PgStore(ConnInfo info, const Clock& clock, const Options& options);

  // Runs f(Connection&) on a pooled connection. read: once more on a fresh connection if
  // the first one turned out dead. write: up to three times on serialisation failures and
  // deadlocks (f must run its own Transaction, so a retry starts from scratch).
  template <class F>
  auto read(F&& f);
  template <class F>
  auto write(F&& f);
  // An account/user/key/webhook write of this store committed: change_marker moves at once.
  void changed() { local_changes_.fetch_add(1, std::memory_order_relaxed); }

  const ConnInfo info_;
  const Clock& clock_;
  const std::string origin_;
  std::unique_ptr<Pool> pool_;
  std::unique_ptr<ChangeListener> listener_;
  int schema_version_ = 0;
  std::atomic<std::int64_t> local_changes_{0};
};

// --- the retry helpers (used by every pg_*.cc) ---

template <class F>
auto PgStore::read(F&& f) {
  for (int attempt = 1;; ++attempt) {
    auto conn = pool_->acquire();
    try {
      return f(*conn);
    } catch (const PgError& e) {
      if (!e.connection_lost || attempt >= 2) throw;
    }
  }
}

template <class F>
auto PgStore::write(F&& f) {
  for (int attempt = 1;; ++attempt) {
    auto conn = pool_->acquire();
    try {
      return f(*conn);
    } catch (const PgError& e) {
      if (!e.retryable() || attempt >= 3) throw;
    }
  }
}

}  // namespace postern::pgstore
