#include "policy/rate_limit.h"

#include <vector>

#include "policy/rate.h"
#include "smtp/replies.h"
#include "storage/store.h"

namespace postern::policy {

RateLimit::RateLimit(storage::PolicyStore& store, const Clock& clock, bool shared,
                     std::size_t max_keys)
    : store_(store), clock_(clock), shared_(shared), counters_(shared ? 8 : max_keys) {}

std::optional<std::size_t> RateLimit::try_add(std::span<const storage::RateLimitKey> limits,
                                              Millis now) {
  if (shared_) {
    auto refused = store_.try_add_rate(limits, now);
    if (!refused) throw storage::StoreError(refused.error().message);
    return *refused;
  }
  std::vector<SlidingWindowCounters::Limit> local;
  for (const auto& l : limits) local.push_back({l.key, l.max, l.window});
  return counters_.try_add(local, now);
}

Decision RateLimit::check(const Submission& s, const std::string&) {
  std::vector<storage::RateLimitKey> limits;
  std::vector<std::string> names;
  if (auto r = parse_rate(s.user.rate)) {
    limits.push_back({"user:" + s.user.uuid, r->count, r->window});
    names.push_back("user rate " + s.user.rate);
  }
  const std::string account_rate = store_.account_rate(s.user.account_id);
  if (auto r = parse_rate(account_rate)) {
    limits.push_back({"account:" + std::to_string(s.user.account_id), r->count, r->window});
    names.push_back("account rate " + account_rate + " (" + s.user.account_name + ")");
  }
  if (limits.empty()) return Decision::accept();
  auto refused = try_add(limits, clock_.now_ms());
  if (!refused) return Decision::accept();
  return Decision::refuse(smtp::replies::rate_limited(), "rate_limit",
                          names[*refused] + " exceeded");
}

}  // namespace postern::policy
