// Rate limits (F10) at MAIL FROM: the user's `rate` and its account's rate ("N/s|m|h|d"),
// counting transactions (MAIL FROM commands that pass this check) over a sliding window (two
// fixed buckets per key, previous * unelapsed fraction + current). A refusal answers
// `421 4.7.1 Rate limit exceeded. Try again later.` and the session closes.
// Where they are counted: `shared` = false, in this process (SlidingWindowCounters: no store
// round trip; right for one node, e.g. on SQLite); `shared` = true, in the store
// (PolicyStore::try_add_rate: one atomic transaction per MAIL FROM of a user or account that
// has a rate), so that several nodes on one PostgreSQL database together stay within the
// limit, exact up to the sliding-window estimate. A store failure throws StoreError, which
// the ChainEngine answers `451 4.3.0` like any store failure. Thread-safe.
#pragma once
#include "policy/checks.h"
#include "policy/window_counters.h"
#include "storage/policy_store.h"

namespace postern::policy {

class RateLimit final : public MailFromCheck {
 public:
  RateLimit(storage::PolicyStore& store, const Clock& clock, bool shared,
            std::size_t max_keys = 100000);
  Decision check(const Submission& s, const std::string& mail_from) override;

 private:
  // The index of the first limit that would be passed, if any; counts otherwise.
  std::optional<std::size_t> try_add(std::span<const storage::RateLimitKey> limits, Millis now);

  storage::PolicyStore& store_;
  const Clock& clock_;
  const bool shared_;
  SlidingWindowCounters counters_;  // unused when shared_
};

}  // namespace postern::policy
