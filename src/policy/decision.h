// policy::Decision: the outcome of one policy check, as a type (STYLE rule 5). A refusal
// carries the exact SMTP reply (replies.md) for the client and a reason for the message log
// ("acl", "lockdown", "quota", "rate_limit", "suppressed", ...); `detail` is for operators.
#pragma once
#include <optional>
#include <string>

#include "base/time.h"
#include "smtp/reply.h"

namespace postern::policy {

struct Decision {
  bool accepted = true;
  smtp::Reply reply;   // when refused; a 421 closes the session
  std::string reason;  // message-log reason when refused
  std::string detail;

  static Decision accept() { return Decision{}; }
  static Decision refuse(smtp::Reply reply, std::string reason, std::string detail = {}) {
    return Decision{false, std::move(reply), std::move(reason), std::move(detail)};
  }
};

// End of DATA adds what the session needs to queue the message.
struct DataDecision {
  Decision decision;
  std::string header_from;                    // the From: address, for the log
  std::optional<std::string> already_queued;  // idempotent replay: the earlier queue id
  std::optional<Millis> deliver_at;           // X-Scheduled-At: hold until then
};

}  // namespace postern::policy
