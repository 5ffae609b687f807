// events::MessageLog records each step of each message (interface.md, "Message log"):
// accepted, rejected (with reason), deferred, delivered, bounced, expired, suppressed. A JSON
// line on the server's log at once; the message_events table through a BatchWriter.
// Thread-safe.
#pragma once
#include <nlohmann/json.hpp>

#include "events/batch_writer.h"
#include "events/logger.h"
#include "storage/store.h"

namespace postern::events {

nlohmann::json message_event_json(const storage::MessageEvent& e);

class MessageLog {
 public:
  MessageLog(storage::Store& store, Logger& logger);
  void record(storage::MessageEvent event);
  void flush() { writer_.flush(); }

 private:
  Logger& logger_;
  BatchWriter<storage::MessageEvent> writer_;
};

}  // namespace postern::events
