#include "api/api.h"

#include "api/errors.h"
#include "api/routes.h"
#include "api/static_files.h"

namespace postern::api {
namespace {

constexpr std::size_t kMaxBody = 1 << 20;  // docs/api.md: 413 beyond 1 MiB

bool is_api_path(const std::string& path) {
  return path == "/api" || path.rfind("/api/", 0) == 0 || path == "/metrics" ||
         path == "/healthz";
}

}  // namespace

struct Api::Impl {
  explicit Impl(Dependencies deps) : service(std::move(deps)) {
    Routes routes(router, service);
    add_session_routes(routes);
    add_account_routes(routes);
    add_user_routes(routes);
    add_domain_routes(routes);
    add_log_routes(routes);
    add_queue_routes(routes);
    add_suppression_routes(routes);
    add_webhook_routes(routes);
    add_apikey_routes(routes);
    add_stats_routes(routes);
    add_operations_routes(routes);
  }
  Service service;
  http::Router router;
};

Api::Api(Dependencies deps) : impl_(std::make_unique<Impl>(std::move(deps))) {}
Api::~Api() = default;

http::Response Api::handle(const http::Request& request) {
  if (request.body.size() > kMaxBody) return error_response(413, "request body over 1 MiB");
  http::Response response = impl_->router.dispatch(request);
  // The dashboard's other files ("/app.js", "/favicon.ico", ...) are not API routes.
  if (response.status == 404 && !is_api_path(request.path) &&
      (request.method == "GET" || request.method == "HEAD")) {
    if (auto file = static_file(impl_->service.deps.assets_dir, request.path)) response = *file;
  }
  if (request.method == "HEAD") response.body.clear();
  return response;
}

std::vector<http::Route> Api::routes() const { return impl_->router.routes(); }

}  // namespace postern::api
