// queue::RetryPolicy: when to try a deferred recipient again and when to give up
// (Postfix-like: about 1 min, 5, 15, 30 min, 1 h, 2 h, 4 h, then every 4 h, with ±10 % jitter
// so that a burst of deferrals does not come back as a burst; expiry after the maximum queue
// age, 5 days by default). Pure; the jitter source is injected for tests.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "base/time.h"

namespace postern::queue {

struct RetryPolicy {
  std::vector<std::int64_t> schedule_s{60, 300, 900, 1800, 3600, 7200, 14400};
  std::int64_t max_age_s = 5 * 86400;

  // The delay after the `attempts`-th failed attempt (attempts >= 1), before jitter.
  std::int64_t base_delay_s(int attempts) const;
  // The next attempt time, jittered by `unit` in [-1, 1] (±10 %), never before now + 1 s.
  Millis next_attempt(Millis now, int attempts, double unit) const;
  bool expired(Millis queued_at, Millis now) const { return now - queued_at >= max_age_s * 1000; }
};

}  // namespace postern::queue
