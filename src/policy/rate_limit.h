// Rate limits (F10) at MAIL FROM: the user's `rate` and its account's rate ("N/s|m|h|d"),
// counting transactions (MAIL FROM commands that pass this check) in this process. A refusal
// answers `421 4.7.1 Rate limit exceeded. Try again later.` and the session closes. With
// several nodes each enforces the limit on its own (F21 will share counters). Thread-safe.
#pragma once
#include "policy/checks.h"
#include "policy/window_counters.h"
#include "storage/policy_store.h"

namespace postern::policy {

class RateLimit final : public MailFromCheck {
 public:
  RateLimit(storage::PolicyStore& store, const Clock& clock, std::size_t max_keys = 100000);
  Decision check(const Submission& s, const std::string& mail_from) override;

 private:
  storage::PolicyStore& store_;
  const Clock& clock_;
  SlidingWindowCounters counters_;
};

}  // namespace postern::policy
