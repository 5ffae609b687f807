// X-Idempotency-Key (F22) at end of DATA, per user for 24 h: the first submission with a key
// reserves it (completed by queued(), released by not_queued()); the same key with the same
// body then answers `250 ... already queued as <id>` (result.already_queued, nothing charged
// or queued again), with a different body `554 5.5.0`, and while the first is still in flight
// `451 4.5.0`. The body is what follows the header section (so regenerated Date: or
// Message-ID: headers of a client's retry do not count), hashed with SHA-256. The first
// X-Idempotency-Key field counts; a key of more than 256 characters (or an empty one) is
// refused. Thread-safe.
#pragma once
#include "policy/checks.h"
#include "storage/store.h"

namespace postern::policy {

inline constexpr std::size_t kMaxIdempotencyKey = 256;
inline constexpr Millis kIdempotencyTtl = 24LL * 3600 * 1000;
// A reservation older than this belongs to a session that died before queueing.
inline constexpr Millis kIdempotencyInFlightTimeout = 10LL * 60 * 1000;

std::string sha256_hex(std::string_view bytes);

class Idempotency final : public DataCheck {
 public:
  Idempotency(storage::PolicyStore& store, const Clock& clock);
  Decision check(DataContext& ctx) override;

 private:
  storage::PolicyStore& store_;
  const Clock& clock_;
};

}  // namespace postern::policy
