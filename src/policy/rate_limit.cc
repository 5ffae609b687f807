#include "policy/rate_limit.h"

#include <vector>

#include "policy/rate.h"
#include "smtp/replies.h"

namespace postern::policy {

RateLimit::RateLimit(storage::PolicyStore& store, const Clock& clock, std::size_t max_keys)
    : store_(store), clock_(clock), counters_(max_keys) {}

Decision RateLimit::check(const Submission& s, const std::string&) {
  std::vector<SlidingWindowCounters::Limit> limits;
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
  auto refused = counters_.try_add(limits, clock_.now_ms());
  if (!refused) return Decision::accept();
  return Decision::refuse(smtp::replies::rate_limited(), "rate_limit",
                          names[*refused] + " exceeded");
}

}  // namespace postern::policy
