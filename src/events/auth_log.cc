#include "events/auth_log.h"


#include "base/time.h"

namespace postern::events {

nlohmann::json auth_event_json(const storage::AuthEvent& e) {
  nlohmann::json j = {{"time", format_iso8601(e.time)},
                      {"session", e.session},
                      {"ip", e.ip},
                      {"port", e.port},
                      {"listener", e.listener},
                      {"tls", e.tls.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.tls)},
                      {"mechanism", e.mechanism},
                      {"username", e.username},
                      {"user_id", e.user_id ? nlohmann::json(*e.user_id) : nlohmann::json(nullptr)},
                      {"account", e.account ? nlohmann::json(*e.account) : nlohmann::json(nullptr)},
                      {"result", e.result},
                      {"reason", e.reason},
                      {"hints", e.hints},
                      {"reply", e.reply},
                      {"enforced", e.enforced}};
  j["detail"] = e.detail;
  return j;
}

AuthLog::AuthLog(storage::Store& store, Logger& logger)
    : logger_(logger),
      writer_([&store](std::span<const storage::AuthEvent> batch) { return store.append_auth_events(batch); },
              [&logger](const Error& e) { logger.error("auth_log_write_failed", {{"error", e.message}}); }) {}

void AuthLog::record(storage::AuthEvent event) {
  logger_.log(event.result == "ok" ? "info" : "warn", "auth", auth_event_json(event));
  for (EventSink* sink : sinks_) sink->on_auth(event);
  writer_.record(std::move(event));
}

}  // namespace postern::events
