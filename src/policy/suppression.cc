#include "policy/suppression.h"

#include "smtp/replies.h"

namespace postern::policy {

SuppressionList::SuppressionList(storage::PolicyStore& store) : store_(store) {}

Decision SuppressionList::check(const Submission& s, const std::string& recipient) {
  if (!store_.is_suppressed(s.user.account_id, recipient)) return Decision::accept();
  return Decision::refuse(smtp::replies::suppressed(recipient), "suppressed",
                          recipient + " is on the suppression list of account " +
                              s.user.account_name);
}

}  // namespace postern::policy
