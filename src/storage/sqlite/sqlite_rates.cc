// SqliteStore: the shared rate counters (PolicyStore::try_add_rate). The buckets are read,
// rolled forward and checked in C++ inside one IMMEDIATE transaction (the write lock is taken
// up front), so concurrent callers in any process on the file queue behind each other and
// never count past a limit together. The arithmetic is policy::SlidingWindowCounters'.
#include <algorithm>
#include <map>

#include "storage/sqlite/sqlite_store.h"

namespace postern::storage::sqlite {
namespace {

struct Bucket {
  Millis window = 1;
  Millis start = 0;  // of the current bucket, a multiple of window
  std::int64_t current = 0, previous = 0;
};

std::optional<Bucket> read_bucket(Connection& conn, const std::string& key) {
  auto stmt = conn.prepare(
      "SELECT window_ms, start, current, previous FROM rate_counters WHERE key = ?");
  stmt.bind(1, key);
  if (!stmt.step()) return std::nullopt;
  return Bucket{stmt.int64(0), stmt.int64(1), stmt.int64(2), stmt.int64(3)};
}

// The bucket that holds `now`, carrying the stored counts forward: the current bucket becomes
// the previous one when exactly one window has passed; after a longer gap both are empty. A
// new key, or one whose window changed, starts afresh.
Bucket roll_forward(const std::optional<Bucket>& stored, Millis window, Millis now) {
  const Millis start = now - ((now % window) + window) % window;
  if (!stored || stored->window != window) return Bucket{window, start, 0, 0};
  Bucket b = *stored;
  if (start > b.start) {
    b.previous = start - b.start == window ? b.current : 0;
    b.current = 0;
    b.start = start;
  }
  return b;
}

// previous * (unelapsed fraction of the current bucket) + current. A `now` before the
// bucket's start (another node's clock ahead of ours) counts as its start.
double estimate(const Bucket& b, Millis now) {
  const double elapsed =
      std::max(0.0, static_cast<double>(now - b.start) / static_cast<double>(b.window));
  const double weight = elapsed >= 1.0 ? 0.0 : 1.0 - elapsed;
  return static_cast<double>(b.previous) * weight + static_cast<double>(b.current);
}

}  // namespace

Result<std::optional<std::size_t>> SqliteStore::try_add_rate(std::span<const RateLimitKey> limits,
                                                             Millis now) {
  using Refused = std::optional<std::size_t>;
  if (limits.empty()) return Refused{};
  std::lock_guard lock(mu_);
  try {
    Transaction tx(*conn_);
    std::map<std::string, Bucket> buckets;  // rolled forward, by key (a key may repeat)
    for (std::size_t i = 0; i < limits.size(); ++i) {
      const RateLimitKey& limit = limits[i];
      auto it = buckets.find(limit.key);
      const std::optional<Bucket> stored =
          it != buckets.end() ? std::optional<Bucket>(it->second) : read_bucket(*conn_, limit.key);
      const Bucket b = roll_forward(stored, std::max<Millis>(limit.window, 1), now);
      buckets[limit.key] = b;
      // Refused: the transaction rolls back, nothing is counted anywhere.
      if (estimate(b, now) + 1.0 > static_cast<double>(limit.max) + 1e-9) return Refused{i};
    }
    for (const RateLimitKey& limit : limits) ++buckets[limit.key].current;
    for (const auto& [key, b] : buckets)
      conn_->prepare(
               "INSERT INTO rate_counters (key, window_ms, start, current, previous)"
               " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (key) DO UPDATE SET window_ms = ?2,"
               " start = ?3, current = ?4, previous = ?5")
          .bind(1, key)
          .bind(2, b.window)
          .bind(3, b.start)
          .bind(4, b.current)
          .bind(5, b.previous)
          .run();
    tx.commit();
    return Refused{};
  } catch (const SqliteError& e) {
    return Error{e.what()};
  }
}

}  // namespace postern::storage::sqlite
