// app::ControlPlane: the HTTP side of a node (issue 5) — the API and dashboard (api::Api) on
// an http::Server, the Prometheus registry with the event metrics, the timing wrapper around
// the store, and the webhook dispatcher. Built by serve() before the SMTP side so that every
// module uses the timed store, started after the listeners are bound.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "base/result.h"
#include "config/config.h"
#include "events/auth_log.h"
#include "events/logger.h"
#include "events/message_log.h"
#include "net/workers.h"
#include "storage/store.h"

namespace postern::app {

class ControlPlane {
 public:
  ControlPlane(const config::Config& config, storage::Store& inner, net::Workers& workers,
               events::Logger& log);
  ~ControlPlane();
  // The store every other module must use (times each call for /metrics).
  storage::Store& store();
  // Registers the metrics and webhook sinks on the logs; wires the gauges.
  void attach(events::AuthLog& auth_log, events::MessageLog& message_log,
              std::function<double()> active_sessions, std::function<void()> wake_scheduler);
  // For inbound::Services::connection_opened: counts accepted connections per listener.
  std::function<void(const std::string&)> connection_counter();
  // Binds the HTTP listener and prints `listening http <address>`.
  Status bind();
  void start();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace postern::app
