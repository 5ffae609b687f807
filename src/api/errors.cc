#include "api/errors.h"

namespace postern::api {

void fail(int status, const std::string& message) { throw Failure(status, message); }

http::Response json_response(int status, const nlohmann::json& body) {
  http::Response r;
  r.status = status;
  r.content_type = "application/json";
  // Invalid UTF-8 from a stored field (a sanitised username, a remote reply) must not make
  // the whole answer fail: replace it.
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

http::Response error_response(int status, const std::string& message) {
  return json_response(status, {{"error", message}});
}

http::Response no_content() {
  http::Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

}  // namespace postern::api
