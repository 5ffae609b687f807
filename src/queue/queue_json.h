// The JSON shape of a queued message with its recipients' delivery state, shared by
// `postern queue list --json` and the HTTP API (GET /api/v1/queue, /api/v1/messages/{id}).
// Pure.
#pragma once
#include <nlohmann/json.hpp>

#include <vector>

#include "queue/spool.h"
#include "storage/message_store.h"

namespace postern::queue {

// {"id","mail_from","rcpt":[],"user","user_id","account","ip","size","received_at",
//  "recipients":[{"rcpt","status","attempts","next_attempt_at","last_reply","mx"}]}
nlohmann::json queued_message_json(const EnvelopeRecord& envelope,
                                   const std::vector<storage::Delivery>& deliveries);

}  // namespace postern::queue
