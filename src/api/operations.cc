// GET /metrics, GET /healthz and the dashboard's files (GET /, /assets/...).

#include "api/errors.h"
#include "api/routes.h"
#include "api/static_files.h"

namespace postern::api {
namespace {

http::Response metrics(Service& s) {
  if (!s.deps.metrics) return error_response(404, "metrics are not enabled");
  http::Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = s.deps.metrics->render();
  return r;
}

http::Response healthz(Service& s) {
  try {
    (void)s.store.change_marker();
    return json_response(200, {{"status", "ok"}});
  } catch (const std::exception& e) {
    return json_response(503, {{"status", "error"}, {"error", std::string("store: ") + e.what()}});
  }
}

}  // namespace

void add_operations_routes(Routes& routes) {
  Service& s = routes.service();
  routes.add("GET", "/metrics", Access::Public, [&s](const Call&) { return metrics(s); });
  routes.add("GET", "/healthz", Access::Public, [&s](const Call&) { return healthz(s); });
  auto asset = [&s](const Call& call) {
    auto found = static_file(s.deps.assets_dir, call.request.path);
    return found ? *found : error_response(404, "no such file");
  };
  routes.add("GET", "/", Access::Public, asset);
  routes.add("GET", "/assets/{file}", Access::Public, asset);
}

}  // namespace postern::api
