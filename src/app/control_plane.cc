#include "app/control_plane.h"

#include "api/api.h"
#include "dns/resolver.h"
#include "http/server.h"
#include "metrics/event_metrics.h"
#include "metrics/registry.h"
#include "metrics/timed_store.h"
#include "webhooks/dispatcher.h"

namespace postern::app {

struct ControlPlane::Impl {
  Impl(const config::Config& c, storage::Store& inner, net::Workers& w, events::Logger& l)
      : config(c),
        workers(w),
        log(l),
        timed(inner, registry),
        event_metrics(registry),
        dispatcher(w.main(), timed, l, clock, webhook_settings(c)) {}

  static webhooks::Settings webhook_settings(const config::Config& c) {
    webhooks::Settings s;
    s.schedule_ms.clear();
    for (auto seconds : c.webhook_retry_schedule_s) s.schedule_ms.push_back(std::int64_t(seconds) * 1000);
    s.request_timeout = std::chrono::seconds(c.webhook_timeout_s);
    return s;
  }

  const config::Config& config;
  net::Workers& workers;
  events::Logger& log;
  SystemClock clock;
  metrics::Registry registry;
  metrics::TimedStore timed;
  metrics::EventMetrics event_metrics;
  webhooks::Dispatcher dispatcher;
  std::unique_ptr<api::Api> api;
  std::unique_ptr<http::Server> server;
};

ControlPlane::ControlPlane(const config::Config& config, storage::Store& inner,
                           net::Workers& workers, events::Logger& log)
    : impl_(std::make_unique<Impl>(config, inner, workers, log)) {}

ControlPlane::~ControlPlane() = default;

storage::Store& ControlPlane::store() { return impl_->timed; }

std::function<void(const std::string&)> ControlPlane::connection_counter() {
  metrics::EventMetrics* metrics = &impl_->event_metrics;
  return [metrics](const std::string& listener) { metrics->connection_opened(listener); };
}

void ControlPlane::attach(events::AuthLog& auth_log, events::MessageLog& message_log,
                          std::function<double()> active_sessions,
                          std::function<void()> wake_scheduler) {
  Impl& m = *impl_;
  auth_log.add_sink(&m.event_metrics);
  message_log.add_sink(&m.event_metrics);
  auth_log.add_sink(&m.dispatcher);
  message_log.add_sink(&m.dispatcher);
  m.event_metrics.watch_active_sessions(std::move(active_sessions));
  storage::Store* store = &m.timed;
  m.registry.gauge_fn("postern_queue_messages", "Messages in the queue with recipients left to deliver.",
                      [store] { return double(store->queued_message_ids().size()); });
  const config::Config* config = &m.config;
  api::Dependencies deps{
      m.timed,
      m.config,
      [config]() -> std::unique_ptr<dns::Resolver> {
        auto r = dns::make_resolver(config->resolver, std::chrono::seconds(config->dns_timeout_s));
        if (!r) return nullptr;
        return std::move(r.value());
      },
      std::move(wake_scheduler),
      &m.registry,
      m.clock,
      "",
      [dispatcher = &m.dispatcher] { dispatcher->hooks_changed(); }};
  m.api = std::make_unique<api::Api>(std::move(deps));
  http::ServerOptions options;
  options.address = m.config.http_address;
  api::Api* api = m.api.get();
  m.server = std::make_unique<http::Server>(m.workers.main(), m.workers.blocking(), m.log, options,
                                            [api](const http::Request& r) { return api->handle(r); });
}

Status ControlPlane::bind() {
  auto bound = impl_->server->bind();
  if (!bound) return bound.error();
  impl_->log.plain("listening http " + *bound);
  return ok_status();
}

void ControlPlane::start() {
  impl_->server->start();
  impl_->dispatcher.start();
}

void ControlPlane::stop() {
  if (impl_->server) impl_->server->close();
  impl_->dispatcher.stop();
}

}  // namespace postern::app
