// The account's suppression list (F14) at RCPT TO: a listed recipient is refused with
// `550 5.1.1 [SUPPRESSED] <address>` (reason "suppressed"); the other recipients of the
// transaction go on. Addresses compare case-insensitively. Thread-safe.
#pragma once
#include "policy/checks.h"
#include "storage/policy_store.h"

namespace postern::policy {

class SuppressionList final : public RecipientCheck {
 public:
  explicit SuppressionList(storage::PolicyStore& store);
  Decision check(const Submission& s, const std::string& recipient) override;

 private:
  storage::PolicyStore& store_;
};

}  // namespace postern::policy
