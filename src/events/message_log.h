// events::MessageLog records each step of each message (interface.md, "Message log"):
// accepted, rejected (with reason), deferred, delivered, bounced, expired, suppressed. A JSON
// line on the server's log at once; the message_events table through a BatchWriter.
// Thread-safe.
#pragma once
#include <nlohmann/json.hpp>

#include <vector>

#include "events/batch_writer.h"
#include "events/logger.h"
#include "events/sink.h"
#include "storage/store.h"

namespace postern::events {

nlohmann::json message_event_json(const storage::MessageEvent& e);

class MessageLog {
 public:
  MessageLog(storage::Store& store, Logger& logger);
  void record(storage::MessageEvent event);
  void flush() { writer_.flush(); }
  // Before the server starts; the sink must outlive this log.
  void add_sink(EventSink* sink) { sinks_.push_back(sink); }

 private:
  Logger& logger_;
  std::vector<EventSink*> sinks_;
  BatchWriter<storage::MessageEvent> writer_;
};

}  // namespace postern::events
