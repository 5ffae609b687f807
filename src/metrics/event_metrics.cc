#include "metrics/event_metrics.h"

namespace postern::metrics {
namespace {

constexpr const char* kAuth = "postern_auth_attempts_total";
constexpr const char* kAuthHelp = "SMTP AUTH attempts by result and reason.";
constexpr const char* kMessages = "postern_messages_total";
constexpr const char* kMessagesHelp = "Message log events by status (one per recipient and step).";
constexpr const char* kRejected = "postern_messages_rejected_total";
constexpr const char* kRejectedHelp = "Messages refused at submission, by reason.";
constexpr const char* kConnections = "postern_connections_total";
constexpr const char* kConnectionsHelp = "SMTP connections accepted, by listener.";

// A label value from an event: empty becomes "none" so the series is still meaningful.
std::string label(const std::string& v) { return v.empty() ? "none" : v; }

}  // namespace

EventMetrics::EventMetrics(Registry& registry)
    : registry_(registry),
      delivery_latency_(registry.histogram("postern_delivery_latency_seconds",
                                           "Time from queueing to delivery, per recipient.",
                                           latency_buckets())) {
  // Declared up front so every family is listed (with zeros) from the first scrape.
  registry_.counter_family(kConnections, kConnectionsHelp);  // children per listener
  for (const char* reason : {"ok", "previous_password"})
    registry_.counter(kAuth, kAuthHelp, {{"result", "ok"}, {"reason", reason}});
  for (const char* reason :
       {"unknown_user", "bad_password", "stale_password", "user_disabled", "user_deleted",
        "account_suspended", "ip_not_allowed", "mechanism_unsupported", "tls_required", "malformed",
        "cancelled", "throttled"})
    registry_.counter(kAuth, kAuthHelp, {{"result", "fail"}, {"reason", reason}});
  for (const char* status :
       {"accepted", "rejected", "deferred", "delivered", "bounced", "expired", "suppressed"})
    registry_.counter(kMessages, kMessagesHelp, {{"status", status}});
  for (const char* reason :
       {"acl", "lockdown", "quota", "rate_limit", "suppressed", "size", "syntax", "smuggling"})
    registry_.counter(kRejected, kRejectedHelp, {{"reason", reason}});
}

void EventMetrics::on_auth(const storage::AuthEvent& e) {
  registry_.counter(kAuth, kAuthHelp, {{"result", label(e.result)}, {"reason", label(e.reason)}})
      .inc();
}

void EventMetrics::on_message(const storage::MessageEvent& e) {
  registry_.counter(kMessages, kMessagesHelp, {{"status", label(e.status)}}).inc();
  if (e.status == "rejected")
    registry_.counter(kRejected, kRejectedHelp, {{"reason", label(e.reason)}}).inc();
  if (e.status == "delivered" && e.queued_at > 0 && e.time >= e.queued_at)
    delivery_latency_.observe(static_cast<double>(e.time - e.queued_at) / 1000.0);
}

void EventMetrics::connection_opened(const std::string& listener) {
  registry_.counter(kConnections, kConnectionsHelp, {{"listener", label(listener)}}).inc();
}

void EventMetrics::watch_active_sessions(std::function<double()> fn) {
  registry_.gauge_fn("postern_sessions_active", "SMTP sessions open now.", std::move(fn));
}

void EventMetrics::watch_queue(std::function<double()> fn) {
  registry_.gauge_fn("postern_queue_recipients", "Recipients queued and not yet final.",
                     std::move(fn));
}

}  // namespace postern::metrics
