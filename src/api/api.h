// api::Api: the HTTP JSON API of interface.md ("HTTP API", /api/v1) and the dashboard's assets
// and session endpoints, as one blocking handler for http::Server. Everything the CLI does, the
// API does, through the same store and the same validation (cli/user_settings.h,
// cli/json_output.h, cli/domain_json.h).
//
// Authentication: `Authorization: Bearer <api key>` (key hashed with SHA-256 and looked up), or
// the dashboard session cookie `postern_session` (HttpOnly, SameSite=Strict, Path=/) created by
// POST /api/v1/session {"key": "<api key>"}; with a cookie, every method but GET/HEAD must
// carry X-CSRF-Token equal to the session's token (returned by POST/GET /api/v1/session).
// 401 without valid credentials; an account key gets 403 for anything outside its account and
// for admin-only routes (accounts create/suspend/resume, API keys of other accounts).
// Errors: {"error": "<message>"} with 400 (malformed JSON / wrong type), 401, 403, 404,
// 405, 409 (exists), 413 (too large), 422 (invalid value). Secrets (passwords, API keys,
// webhook secrets) appear in exactly one response each: the one that created them.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "dns/resolver.h"
#include "http/message.h"
#include "http/router.h"
#include "metrics/registry.h"
#include "storage/store.h"

namespace postern::api {

struct Dependencies {
  storage::Store& store;
  const config::Config& config;
  // A resolver for POST /domains/{d}/verify (made per request, like the CLI).
  std::function<std::unique_ptr<dns::Resolver>()> resolver;
  // Called after a queue change (retry) so the scheduler looks at once; may be empty.
  std::function<void()> wake_scheduler;
  metrics::Registry* metrics = nullptr;  // /metrics; nullptr = 404
  const Clock& clock;
  // Directory of the dashboard's static files (web/); "" = the assets compiled into the binary.
  std::string assets_dir;
  // Called after a webhook is created or removed, so events reach it at once; may be empty.
  std::function<void()> webhooks_changed = {};
};

class Api {
 public:
  explicit Api(Dependencies deps);
  ~Api();
  http::Response handle(const http::Request& request);
  // Every route (method, pattern), for the OpenAPI coverage test.
  std::vector<http::Route> routes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace postern::api
