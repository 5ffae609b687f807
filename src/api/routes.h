// The API's routing table: each resource file (accounts.cc, users.cc, ...) adds its routes to
// a Routes, which wraps the http::Router with authentication (per route: Public, Key, Admin)
// and turns api::Failure and store failures into {"error": ...} answers. Service is what the
// handlers share: the dependencies of api.h plus the spool, the sessions and the
// authenticator. Handlers are blocking (they run on the server's blocking pool).
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "api/api.h"
#include "api/auth.h"
#include "api/sessions.h"
#include "http/router.h"
#include "queue/spool.h"

namespace postern::api {

struct Service {
  explicit Service(Dependencies d);
  Dependencies deps;
  storage::Store& store;
  const config::Config& config;
  const Clock& clock;
  queue::Spool spool;  // <data_dir>/spool, read and changed like `postern queue`
  SessionStore sessions;
  Authenticator authenticator;
};

struct Call {
  const http::Request& request;
  const http::Params& params;
  const Caller& caller;  // a default (non-admin, no account) Caller on Public routes

  const std::string& param(const std::string& name) const { return params.at(name); }
};

enum class Access {
  Public,  // no credentials (session login, metrics, health, the dashboard's files)
  Key,     // any valid key or session; the handler checks ownership
  Admin,   // admin keys only
};

using ApiHandler = std::function<http::Response(const Call&)>;

class Routes {
 public:
  Routes(http::Router& router, Service& service) : router_(router), service_(service) {}
  void add(const std::string& method, const std::string& pattern, Access access,
           ApiHandler handler);
  Service& service() { return service_; }

 private:
  http::Router& router_;
  Service& service_;
};

void add_session_routes(Routes& routes);
void add_account_routes(Routes& routes);
void add_user_routes(Routes& routes);
void add_domain_routes(Routes& routes);
void add_log_routes(Routes& routes);
void add_queue_routes(Routes& routes);
void add_suppression_routes(Routes& routes);
void add_webhook_routes(Routes& routes);
void add_apikey_routes(Routes& routes);
void add_stats_routes(Routes& routes);
void add_operations_routes(Routes& routes);  // /metrics, /healthz, the dashboard

}  // namespace postern::api
