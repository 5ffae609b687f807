// storage::ControlStore: what the control plane keeps (issue 5, F12/F13/F15): API keys (only a
// hash of each key), webhooks and their deliveries (the retry queue and its dead letters), and
// the hourly counts the dashboard's overview charts. Part of Store; thread-safe like Store.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace postern::storage {

// An API key. The key itself is never stored: key_hash is hex(SHA-256(key)) (the key is 256
// random bits, so a fast hash is enough; see docs/api.md). `prefix` is the first 12 characters
// of the key ("pk_" + 9), shown in lists so operators can tell keys apart.
struct ApiKey {
  std::int64_t id = 0;
  std::string name;     // unique among keys that are not revoked; same rules as account names
  std::string account;  // account name; "" = admin key (sees everything)
  std::string key_hash;
  std::string prefix;
  Millis created_at = 0;
  Millis last_used_at = 0;
  Millis revoked_at = 0;  // 0 = live
};

// A webhook endpoint. `secret` is the HMAC-SHA256 key for X-Postern-Signature; it must be kept
// in clear to sign (like every webhook provider), is returned once at creation, and is never
// logged or returned again.
struct Webhook {
  std::int64_t id = 0;
  std::string account;  // account whose events it receives; "" = every account (admin)
  std::string url;      // http:// or https://
  std::vector<std::string> events;  // accepted delivered deferred bounced expired rejected auth_failed
  std::string secret;
  bool active = true;
  Millis created_at = 0;
};

// One event to POST to one webhook: pending (due at next_attempt_at), delivered or dead.
struct WebhookDelivery {
  std::int64_t id = 0;
  std::int64_t webhook_id = 0;
  std::string event;  // event type, e.g. "delivered"
  std::string body;   // the exact JSON body that is signed and POSTed
  std::string status = "pending";  // pending | delivered | dead
  int attempts = 0;
  Millis next_attempt_at = 0;
  std::string last_error;  // "HTTP 500", "connect: Connection refused", ...
  Millis created_at = 0;
  Millis updated_at = 0;
};

// Counts of one hour (UTC, hour = start of the hour in ms) for the overview charts.
struct HourlyStats {
  Millis hour = 0;
  std::int64_t accepted = 0, delivered = 0, deferred = 0, bounced = 0, expired = 0,
               rejected = 0, auth_failed = 0;
};

class ControlStore {
 public:
  virtual ~ControlStore() = default;

  // --- API keys ---
  // Error when the name is invalid or taken by a live key, or the account does not exist.
  // Fills id and created_at.
  virtual Result<ApiKey> create_api_key(const ApiKey& key) = 0;
  // The live key with that hash.
  virtual std::optional<ApiKey> find_api_key_by_hash(const std::string& key_hash) = 0;
  // Live keys ordered by name; `account` narrows (admin keys have account "").
  virtual std::vector<ApiKey> list_api_keys(const std::optional<std::string>& account) = 0;
  // Error when there is no live key of that name.
  virtual Status revoke_api_key(const std::string& name) = 0;
  // Best effort, like record_login.
  virtual void touch_api_key(std::int64_t id, Millis when) = 0;

  // --- webhooks ---
  // Error when the account does not exist. Fills id and created_at.
  virtual Result<Webhook> create_webhook(const Webhook& hook) = 0;
  virtual std::optional<Webhook> find_webhook(std::int64_t id) = 0;
  // Ordered by id; `account` narrows to that account's hooks (admin hooks have account "").
  virtual std::vector<Webhook> list_webhooks(const std::optional<std::string>& account) = 0;
  // Deletes the hook and its deliveries. Error when there is no such hook.
  virtual Status remove_webhook(std::int64_t id) = 0;

  // Queues one delivery per row (status pending). Fills nothing back.
  virtual Status enqueue_webhook_deliveries(const std::vector<WebhookDelivery>& rows) = 0;
  // Pending deliveries due at or before now, oldest first, at most limit.
  virtual std::vector<WebhookDelivery> due_webhook_deliveries(Millis now, int limit) = 0;
  // Writes status, attempts, next_attempt_at, last_error, updated_at of the row (by id).
  virtual Status update_webhook_delivery(const WebhookDelivery& row) = 0;
  // Newest first; `status` narrows ("dead" = the dead-letter list).
  virtual std::vector<WebhookDelivery> list_webhook_deliveries(
      std::int64_t webhook_id, const std::optional<std::string>& status, int limit) = 0;
  // Makes a dead or pending delivery pending and due now (attempts kept). Error: no such row.
  virtual Status redeliver_webhook_delivery(std::int64_t id, Millis now) = 0;

  // --- overview ---
  // One row per hour that has any event, from the hour containing `since` on, oldest first.
  // Message counts come from the message log (status), auth_failed from the auth log
  // (result fail). `account` narrows to that account's events.
  virtual std::vector<HourlyStats> hourly_stats(Millis since,
                                                const std::optional<std::string>& account) = 0;
};

}  // namespace postern::storage
