// events::AuthLog records every AUTH attempt (interface.md, "Auth log"): a JSON line on the
// server's log at once, and the auth_events table through a background writer that batches
// inserts (one transaction per 100 ms or 500 events), so a login never waits on the database.
// The AuthEvent type has no password field: nothing here can log one. Thread-safe.
#pragma once
#include <condition_variable>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "events/logger.h"
#include "storage/store.h"

namespace postern::events {

nlohmann::json auth_event_json(const storage::AuthEvent& e);

class AuthLog {
 public:
  AuthLog(storage::Store& store, Logger& logger);
  ~AuthLog();  // flushes what is pending
  void record(storage::AuthEvent event);
  void flush();  // blocks until everything recorded so far is in the store

 private:
  void run();
  storage::Store& store_;
  Logger& logger_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable flushed_;
  std::deque<storage::AuthEvent> pending_;
  std::uint64_t recorded_ = 0, written_ = 0;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace postern::events
