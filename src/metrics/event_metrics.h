// metrics::EventMetrics: the auth and message logs as Prometheus counters (F16). An
// events::EventSink: each auth attempt counts in postern_auth_attempts_total{result,reason},
// each message event in postern_messages_total{status} (and refusals in
// postern_messages_rejected_total{reason}); a "delivered" event with its queued_at observes
// postern_delivery_latency_seconds. Labels come only from closed vocabularies (results,
// reasons, statuses, listener names), never from user input. Thread-safe; never blocks.
#pragma once
#include <functional>
#include <string>

#include "events/sink.h"
#include "metrics/registry.h"

namespace postern::metrics {

class EventMetrics final : public events::EventSink {
 public:
  // Declares the families on `registry` (which must outlive this).
  explicit EventMetrics(Registry& registry);

  void on_auth(const storage::AuthEvent& e) override;
  void on_message(const storage::MessageEvent& e) override;

  // A connection accepted on a listener (its configured address): postern_connections_total.
  void connection_opened(const std::string& listener);
  // Gauges computed at scrape time; each may be wired once. `fn` runs on the scraping thread
  // and must be cheap and thread-safe.
  void watch_active_sessions(std::function<double()> fn);  // postern_sessions_active
  void watch_queue(std::function<double()> fn);            // postern_queue_recipients

 private:
  Registry& registry_;
  Histogram& delivery_latency_;
};

}  // namespace postern::metrics
