// webhooks: message and auth events POSTed as JSON to the configured endpoints (F15).
//
// Sink (an events::EventSink) turns each event into one pending WebhookDelivery per matching
// active webhook (same account, or an admin hook; event type subscribed). Event types:
// accepted delivered deferred bounced expired rejected (message log statuses) and auth_failed
// (auth events with result "fail"). Writes go through a small in-memory queue flushed to the
// store off the recording thread, so a login or a delivery never waits on it.
//
// Dispatcher polls the store for due deliveries (every second, and at once after a flush),
// POSTs each body with
//   Content-Type: application/json
//   X-Postern-Event: <event>
//   X-Postern-Delivery: <delivery id>
//   X-Postern-Timestamp: <unix seconds>
//   X-Postern-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
// A 2xx is delivered. Anything else is retried after 30 s, 2 min, 10 min, 1 h and 4 h (with
// ±10 % jitter); after the 6th failed attempt the delivery is dead (the dashboard lists dead
// letters and can redeliver them). Delivery is at least once: a receiver should deduplicate
// on X-Postern-Delivery (a crash between the POST and the row update sends it again).
//
// Threads: on_auth/on_message (any thread) only serialise the body and queue it under a mutex.
// Every store call (listing the hooks, cached for Settings::hook_cache_ttl; queueing the rows;
// reading due rows; recording outcomes) runs on the dispatcher's own one-thread pool, never on
// the recording thread nor on the event loop. The poll loop and the POSTs run as coroutines on
// a strand of the io_context given to the constructor. The matching and signing logic is pure
// (webhooks/payload.h).
#pragma once
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/time.h"
#include "events/logger.h"
#include "events/sink.h"
#include "storage/store.h"

namespace postern::webhooks {

// hex HMAC-SHA256(secret, timestamp + "." + body)
std::string sign(const std::string& secret, const std::string& timestamp, const std::string& body);
// The JSON body of one event: {"type","time","account","data":{...the log record...}}.
std::string event_body(const storage::MessageEvent& e);
std::string event_body(const storage::AuthEvent& e);
// Delay before attempt n+1 after n failed attempts (n = 1..5) under the default schedule;
// -1 when dead. The configured schedule: retry_delay_ms(n, schedule) in payload.h.
std::int64_t retry_delay_ms(int failed_attempts);

struct Settings {
  std::vector<std::int64_t> schedule_ms{30'000, 120'000, 600'000, 3'600'000, 14'400'000};
  std::chrono::milliseconds request_timeout{10'000};
  std::chrono::milliseconds poll_interval{1'000};
  int max_in_flight = 8;
  // How long the list of webhooks is reused before it is read again. A hook created or
  // removed through this node's API takes effect at once (hooks_changed()); one changed on
  // another node of a cluster, at most this long later.
  std::chrono::milliseconds hook_cache_ttl{1'000};
  // Events waiting to be matched beyond this many are dropped (and counted in a log line), so
  // a store that stalls cannot make the relay's memory grow without bound.
  std::size_t max_queued_events = 10'000;
};

class Dispatcher : public events::EventSink {
 public:
  Dispatcher(boost::asio::io_context& io, storage::Store& store, events::Logger& log,
             const Clock& clock, Settings settings = {});
  ~Dispatcher() override;
  void on_auth(const storage::AuthEvent& e) override;
  void on_message(const storage::MessageEvent& e) override;
  // Starts the poll loop on the io_context (which must be running or about to run).
  void start();
  // Ends the poll loop and matches what is still queued. The destructor waits for the
  // store work already handed to the pool; a POST in flight at that moment is sent again
  // after a restart (its row is still pending).
  void stop();
  // Any thread: the list of webhooks changed; the next event reads it again.
  void hooks_changed();
  // Any thread: false while the hook list read last (within hook_cache_ttl) had no active
  // hook; events are then dropped without being serialised.
  bool wants_events() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace postern::webhooks
