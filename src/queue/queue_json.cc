#include "queue/queue_json.h"

#include "base/time.h"

namespace postern::queue {

nlohmann::json queued_message_json(const EnvelopeRecord& e,
                                   const std::vector<storage::Delivery>& rows) {
  nlohmann::json recipients = nlohmann::json::array();
  for (const auto& d : rows)
    recipients.push_back(
        {{"rcpt", d.recipient},
         {"status", d.status},
         {"attempts", d.attempts},
         {"next_attempt_at", d.status == "queued" ? nlohmann::json(format_iso8601(d.next_attempt_at))
                                                  : nlohmann::json(nullptr)},
         {"last_reply", d.last_reply},
         {"mx", d.mx}});
  return {{"id", e.id},
          {"mail_from", e.mail_from},
          {"rcpt", e.recipients},
          {"user", e.username},
          {"user_id", e.user_uuid},
          {"account", e.account},
          {"ip", e.client_ip},
          {"size", e.size},
          {"received_at", format_iso8601(e.received_at)},
          {"recipients", recipients}};
}

}  // namespace postern::queue
