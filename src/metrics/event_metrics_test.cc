#include <gtest/gtest.h>

#include "metrics/event_metrics.h"

using namespace postern;
using namespace postern::metrics;

namespace {

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

TEST(EventMetrics, AuthAttemptsByResultAndReason) {
  Registry r;
  EventMetrics m(r);
  storage::AuthEvent e;
  e.result = "fail";
  e.reason = "bad_password";
  m.on_auth(e);
  m.on_auth(e);
  e.result = "ok";
  e.reason = "ok";
  m.on_auth(e);
  std::string text = r.render();
  EXPECT_TRUE(has_line(text, "# TYPE postern_auth_attempts_total counter")) << text;
  EXPECT_TRUE(
      has_line(text, "postern_auth_attempts_total{result=\"fail\",reason=\"bad_password\"} 2"))
      << text;
  EXPECT_TRUE(has_line(text, "postern_auth_attempts_total{result=\"ok\",reason=\"ok\"} 1")) << text;
  // Declared at zero from the start so rates work from the first scrape.
  EXPECT_TRUE(
      has_line(text, "postern_auth_attempts_total{result=\"fail\",reason=\"ip_not_allowed\"} 0"))
      << text;
}

TEST(EventMetrics, MessagesByStatusAndRejectedByReason) {
  Registry r;
  EventMetrics m(r);
  storage::MessageEvent e;
  e.status = "accepted";
  m.on_message(e);
  e.status = "rejected";
  e.reason = "quota";
  m.on_message(e);
  std::string text = r.render();
  EXPECT_TRUE(has_line(text, "postern_messages_total{status=\"accepted\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "postern_messages_total{status=\"rejected\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "postern_messages_total{status=\"delivered\"} 0")) << text;
  EXPECT_TRUE(has_line(text, "postern_messages_rejected_total{reason=\"quota\"} 1")) << text;
}

TEST(EventMetrics, DeliveryLatencyOnlyForDeliveredWithQueuedAt) {
  Registry r;
  EventMetrics m(r);
  storage::MessageEvent e;
  e.status = "delivered";
  e.time = 10'000;
  e.queued_at = 7'500;  // 2.5 s
  m.on_message(e);
  e.queued_at = 0;  // unknown: not observed
  m.on_message(e);
  e.status = "deferred";
  e.queued_at = 1;
  m.on_message(e);
  std::string text = r.render();
  EXPECT_TRUE(has_line(text, "postern_delivery_latency_seconds_count 1")) << text;
  EXPECT_TRUE(has_line(text, "postern_delivery_latency_seconds_sum 2.5")) << text;
  EXPECT_TRUE(has_line(text, "postern_delivery_latency_seconds_bucket{le=\"1\"} 0")) << text;
  EXPECT_TRUE(has_line(text, "postern_delivery_latency_seconds_bucket{le=\"2.5\"} 1")) << text;
}

TEST(EventMetrics, ConnectionsAndGauges) {
  Registry r;
  EventMetrics m(r);
  EXPECT_TRUE(has_line(r.render(), "# TYPE postern_connections_total counter"));
  m.connection_opened("127.0.0.1:587");
  m.connection_opened("127.0.0.1:587");
  m.connection_opened("127.0.0.1:465");
  int sessions = 4;
  m.watch_active_sessions([&sessions] { return sessions; });
  m.watch_queue([] { return 9; });
  std::string text = r.render();
  EXPECT_TRUE(has_line(text, "postern_connections_total{listener=\"127.0.0.1:587\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "postern_connections_total{listener=\"127.0.0.1:465\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "postern_sessions_active 4")) << text;
  EXPECT_TRUE(has_line(text, "postern_queue_recipients 9")) << text;
}
