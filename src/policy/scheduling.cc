#include "policy/scheduling.h"

#include "policy/scheduled_at.h"
#include "smtp/replies.h"

namespace postern::policy {

Scheduling::Scheduling(const Clock& clock) : clock_(clock) {}

Decision Scheduling::check(DataContext& ctx) {
  std::vector<std::string> values = header_values(ctx.headers, "X-Scheduled-At");
  if (values.empty()) return Decision::accept();
  auto refuse = [](const std::string& why) {
    return Decision::refuse(smtp::replies::invalid_scheduled_at(), "scheduling", why);
  };
  auto when = parse_scheduled_at(values.front());
  if (!when) return refuse("X-Scheduled-At cannot be parsed");
  const Millis now = clock_.now_ms();
  if (*when < now - kScheduleSkew) return refuse("X-Scheduled-At is in the past");
  if (*when > now + kMaxScheduleAhead) return refuse("X-Scheduled-At is more than 30 days ahead");
  ctx.result.deliver_at = *when;
  return Decision::accept();
}

}  // namespace postern::policy
