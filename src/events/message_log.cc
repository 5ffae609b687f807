#include "events/message_log.h"

#include "base/time.h"

namespace postern::events {

nlohmann::json message_event_json(const storage::MessageEvent& e) {
  auto or_null = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
  return {{"time", format_iso8601(e.time)},
          {"id", or_null(e.id)},
          {"user", or_null(e.user)},
          {"account", or_null(e.account)},
          {"ip", or_null(e.ip)},
          {"mail_from", e.mail_from},
          {"header_from", or_null(e.header_from)},
          {"rcpt", or_null(e.rcpt)},
          {"size", e.size},
          {"status", e.status},
          {"reason", or_null(e.reason)},
          {"mx", or_null(e.mx)},
          {"remote_reply", or_null(e.remote_reply)},
          {"attempt", e.attempt}};
}

MessageLog::MessageLog(storage::Store& store, Logger& logger)
    : logger_(logger),
      writer_([&store](std::span<const storage::MessageEvent> batch) { return store.append_message_events(batch); },
              [&logger](const Error& e) { logger.error("message_log_write_failed", {{"error", e.message}}); }) {}

void MessageLog::record(storage::MessageEvent event) {
  nlohmann::json line = message_event_json(event);
  logger_.log(event.status == "rejected" || event.status == "bounced" || event.status == "expired" ? "warn" : "info",
              "message", std::move(line));
  for (EventSink* sink : sinks_) sink->on_message(event);
  writer_.record(std::move(event));
}

}  // namespace postern::events
