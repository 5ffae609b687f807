// storage::PolicyStore: the state the policy checks keep (F10, F14, F22): quota usage counters,
// per-account rate limits and their shared counters, suppression lists and idempotency keys.
// Part of Store.
// Counters are exact under concurrency: every read-modify-write is one IMMEDIATE transaction
// (one database write lock, across processes). Thread-safe like Store.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace postern::storage {

// A user's usage in one quota period. period_start is the policy's key for the period
// (start of the UTC day or month; 0 for "total").
struct QuotaUsage {
  std::int64_t used = 0;
  Millis period_start = 0;
};

struct QuotaCharge {
  bool charged = false;  // false: the charge would have passed the limit; nothing changed
  QuotaUsage usage;      // after the charge (or unchanged when refused)
};

// One limit of try_add_rate: at most `max` events per `window` under `key`. Keys are the
// caller's ("user:<uuid>", "account:<id>"); storage gives them no meaning.
struct RateLimitKey {
  std::string key;
  std::int64_t max = 0;  // events allowed per window
  Millis window = 0;     // > 0 (anything less counts as 1 ms)
};

// One suppressed recipient of an account. Addresses are stored lower-cased.
struct Suppression {
  std::string address;
  std::string reason;  // "manual", "hard_bounce", "import", ... free text
  Millis created_at = 0;
};

// What a submission with an X-Idempotency-Key finds (replies.md).
struct IdempotencyClaim {
  enum class Kind {
    Reserved,       // first use: reserved for this submission, complete() or release() it
    AlreadyQueued,  // same key, same body, queued as queue_id
    InFlight,       // same key, same body, reserved and not yet queued
    BodyMismatch,   // same key, different body
  };
  Kind kind = Kind::Reserved;
  std::string queue_id;  // AlreadyQueued only
};

class PolicyStore {
 public:
  virtual ~PolicyStore() = default;

  // --- quotas (F10) ---
  // Adds n messages to the usage of the period starting at period_start (a stored usage of
  // another period restarts at 0 first) unless used + n would exceed limit (limit 0: never
  // refused, only counted). One transaction.
  virtual Result<QuotaCharge> charge_quota(std::int64_t user_id, Millis period_start,
                                           std::int64_t n, std::int64_t limit) = 0;
  // Gives back n messages charged in that period (never below 0; another period: no-op).
  virtual Status refund_quota(std::int64_t user_id, Millis period_start, std::int64_t n) = 0;
  // The usage in the period starting at period_start (0 when the stored one is older).
  virtual QuotaUsage quota_usage(std::int64_t user_id, Millis period_start) = 0;

  // --- account rate limits (F10) ---
  // rate "N/s|m|h|d" (validated by the caller) or "" for none. Error: no such account.
  virtual Status set_account_rate(const std::string& account, const std::string& rate) = 0;
  virtual std::string account_rate(std::int64_t account_id) = 0;  // "" when none

  // --- shared rate counters (F10, F21) ---
  // policy::SlidingWindowCounters::try_add kept in the store, so that every process and node
  // on the database counts against the same numbers. Per key: two fixed buckets (the window
  // that holds `now`, aligned to a multiple of `window`, and the one before), rolled forward
  // as time passes (a gap of more than one window empties both; a changed window restarts
  // the key); the count is previous * (unelapsed fraction of the current bucket) + current,
  // with a `now` before the stored bucket's start counting as its start (clock skew between
  // nodes). Counts one event under every key unless one would pass its max (all or nothing);
  // returns the index of the first limit that would be passed. One transaction.
  virtual Result<std::optional<std::size_t>> try_add_rate(std::span<const RateLimitKey> limits,
                                                          Millis now) = 0;

  // --- suppression lists (F14) ---
  // false: the address was already suppressed (its row is left as it was).
  virtual Result<bool> add_suppression(const std::string& account, const std::string& address,
                                       const std::string& reason) = 0;
  virtual Result<bool> remove_suppression(const std::string& account,
                                          const std::string& address) = 0;
  // Ordered by address. Error: no such account.
  virtual Result<std::vector<Suppression>> list_suppressions(const std::string& account) = 0;
  // Adds the rows that are not there yet, in one transaction (idempotent); returns how many
  // were added. created_at 0 means now.
  virtual Result<std::int64_t> import_suppressions(const std::string& account,
                                                   std::span<const Suppression> rows) = 0;
  virtual bool is_suppressed(std::int64_t account_id, const std::string& address) = 0;

  // --- idempotency keys (F22) ---
  // One transaction: expired rows (expires_at <= now) and reservations older than
  // in_flight_timeout are dropped first; then the key is found or reserved (expiring at
  // now + ttl).
  virtual Result<IdempotencyClaim> claim_idempotency_key(std::int64_t user_id,
                                                         const std::string& key,
                                                         const std::string& body_hash, Millis now,
                                                         Millis ttl, Millis in_flight_timeout) = 0;
  // The reserved submission was queued as queue_id.
  virtual Status complete_idempotency_key(std::int64_t user_id, const std::string& key,
                                          const std::string& queue_id) = 0;
  // Drops a reservation that was not queued (a completed key is left alone).
  virtual Status release_idempotency_key(std::int64_t user_id, const std::string& key) = 0;
};

}  // namespace postern::storage
