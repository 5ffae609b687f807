#include "queue/retry.h"

#include <algorithm>

namespace postern::queue {

std::int64_t RetryPolicy::base_delay_s(int attempts) const {
  if (schedule_s.empty()) return 300;
  std::size_t i = static_cast<std::size_t>(std::max(attempts, 1) - 1);
  return schedule_s[std::min(i, schedule_s.size() - 1)];
}

Millis RetryPolicy::next_attempt(Millis now, int attempts, double unit) const {
  const double base_ms = static_cast<double>(base_delay_s(attempts)) * 1000.0;
  const double jittered = base_ms * (1.0 + 0.1 * std::clamp(unit, -1.0, 1.0));
  return now + std::max<Millis>(1000, static_cast<Millis>(jittered));
}

}  // namespace postern::queue
