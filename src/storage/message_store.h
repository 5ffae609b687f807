// storage::MessageStore: per-recipient delivery state (the scheduler's source of truth beside
// the spool files) and the message log (interface.md, "Message log"). Part of Store.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace postern::storage {

// One recipient of one queued message.
struct Delivery {
  std::string queue_id;
  std::string recipient;
  std::string status = "queued";  // queued | delivered | bounced | expired | deleted
  int attempts = 0;
  Millis next_attempt_at = 0;
  Millis queued_at = 0;
  std::string last_reply;
  std::string mx;
};

struct MessageEvent {
  Millis time = 0;
  std::string id;  // queue id ("" for refusals before queueing)
  std::string user;
  std::string account;
  std::string ip;
  std::string mail_from;
  std::string header_from;
  std::string rcpt;
  std::uint64_t size = 0;
  std::string status;  // accepted rejected deferred delivered bounced expired suppressed
  std::string reason;  // for rejected: acl lockdown quota rate_limit suppressed size syntax smuggling
  std::string mx;
  std::string remote_reply;
  int attempt = 0;
  // Not stored: when the message was queued, for the sinks (delivery latency metric). 0 = unknown.
  Millis queued_at = 0;
};

struct MessageEventFilter {
  std::optional<std::string> user;
  std::optional<std::string> id;
  std::optional<std::string> status;
  std::optional<std::string> account;  // by name
  std::optional<std::string> ip;       // the submitting client's address
  std::optional<Millis> since;
  int limit = 100;
};

class MessageStore {
 public:
  virtual ~MessageStore() = default;
  // Records the recipients of a newly queued message (status queued, due at `due`).
  // Idempotent: recipients already recorded for that id are left as they are.
  virtual Status add_deliveries(const std::string& queue_id, std::span<const std::string> recipients,
                                Millis queued_at, Millis due) = 0;
  // Queued recipients due at or before `now`, oldest first, at most `limit`.
  virtual std::vector<Delivery> due_deliveries(Millis now, int limit) = 0;
  virtual std::vector<Delivery> deliveries_of(const std::string& queue_id) = 0;
  // Writes status, attempts, next_attempt_at, last_reply, mx of the (queue_id, recipient) rows.
  virtual Status update_deliveries(std::span<const Delivery> rows) = 0;
  // Makes every queued recipient of `queue_id` (or of all messages when empty) due now.
  virtual std::int64_t retry_now(const std::optional<std::string>& queue_id, Millis now) = 0;
  virtual std::vector<std::string> queued_message_ids() = 0;
  // The earliest next_attempt_at among queued recipients, if any.
  virtual std::optional<Millis> next_due() = 0;

  virtual Status append_message_events(std::span<const MessageEvent> events) = 0;
  // Newest first.
  virtual std::vector<MessageEvent> query_message_events(const MessageEventFilter& filter) = 0;
};

}  // namespace postern::storage
