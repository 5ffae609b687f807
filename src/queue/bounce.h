// queue::compose_bounce builds the RFC 3464 delivery status notification sent to the envelope
// sender when recipients fail permanently or expire: multipart/report;
// report-type=delivery-status with a human part, a message/delivery-status part (RFC 3464
// §2.2-2.3) and the original headers (text/rfc822-headers). Never called for a null sender
// (RFC 5321 §4.5.5: no bounce of a bounce). Pure function.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"

namespace postern::queue {

struct FailedRecipient {
  std::string recipient;
  std::string status;       // RFC 3463 code, e.g. "5.1.1" (taken from the reply when present)
  std::string diagnostic;   // the remote reply or the local reason
  std::string remote_mta;   // "" when no host answered
  bool expired = false;
};

struct BounceInput {
  std::string hostname;
  std::string queue_id;
  std::string original_sender;
  Millis arrival = 0;
  Millis now = 0;
  std::vector<FailedRecipient> recipients;
  std::string_view original_message;
};

std::string compose_bounce(const BounceInput& input);
// The enhanced status code at the start of a reply's text ("550 5.1.1 No such user" ->
// "5.1.1"), or a default from its basic code (5xx -> "5.0.0", 4xx -> "4.0.0").
std::string status_from_reply(std::string_view reply, bool expired);

}  // namespace postern::queue
