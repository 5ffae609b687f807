// events::AuthLog records every AUTH attempt (interface.md, "Auth log"): a JSON line on the
// server's log at once, and the auth_events table through a BatchWriter, so a login never
// waits on the database. AuthEvent has no password field: nothing here can log one.
// Thread-safe.
#pragma once
#include <nlohmann/json.hpp>

#include <vector>

#include "events/batch_writer.h"
#include "events/logger.h"
#include "events/sink.h"
#include "storage/store.h"

namespace postern::events {

nlohmann::json auth_event_json(const storage::AuthEvent& e);

class AuthLog {
 public:
  AuthLog(storage::Store& store, Logger& logger);
  void record(storage::AuthEvent event);
  void flush() { writer_.flush(); }
  // Before the server starts; the sink must outlive this log.
  void add_sink(EventSink* sink) { sinks_.push_back(sink); }

 private:
  Logger& logger_;
  std::vector<EventSink*> sinks_;
  BatchWriter<storage::AuthEvent> writer_;
};

}  // namespace postern::events
