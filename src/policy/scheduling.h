// X-Scheduled-At (F22) at end of DATA: a valid time at most 30 days ahead becomes
// result.deliver_at (the queue holds the message until then); a malformed value, a time in
// the past (more than 60 s of clock skew ago) or one more than 30 days ahead is refused with
// `554 5.6.0 Invalid X-Scheduled-At` (reason "scheduling"). The first field counts.
// Thread-safe.
#pragma once
#include "policy/checks.h"

namespace postern::policy {

inline constexpr Millis kMaxScheduleAhead = 30LL * 86400 * 1000;
inline constexpr Millis kScheduleSkew = 60 * 1000;

class Scheduling final : public DataCheck {
 public:
  explicit Scheduling(const Clock& clock);
  Decision check(DataContext& ctx) override;

 private:
  const Clock& clock_;
};

}  // namespace postern::policy
