// Prints a rendering of a Registry that uses every feature (labels needing escapes, counters,
// gauges, gauge functions, histograms, the event metrics and the timed store's family), for
// `promtool check metrics` (see CMakeLists.txt).
#include <cstdio>

#include "metrics/event_metrics.h"
#include "metrics/registry.h"

using namespace postern;

int main() {
  metrics::Registry r;
  metrics::EventMetrics events(r);
  events.connection_opened("127.0.0.1:587");
  events.watch_active_sessions([] { return 3.0; });
  events.watch_queue([] { return 12.0; });
  storage::AuthEvent fail;
  fail.result = "fail";
  fail.reason = "bad_password";
  events.on_auth(fail);
  storage::MessageEvent m;
  m.status = "delivered";
  m.queued_at = 1000;
  m.time = 3500;
  events.on_message(m);
  m.status = "rejected";
  m.reason = "quota";
  events.on_message(m);
  r.counter("postern_sample_escapes_total", "Help with a \\ backslash\nand a newline.",
            {{"path", "C:\\dir \"quoted\"\nnext"}})
      .inc(2.5);
  r.gauge("postern_sample_temperature_celsius", "A gauge.").set(-1.25);
  r.histogram("postern_store_operation_seconds", "Store calls by operation.",
              metrics::fast_latency_buckets(), {{"op", "find_user"}})
      .observe(0.0003);
  std::fputs(r.render().c_str(), stdout);
  return 0;
}
