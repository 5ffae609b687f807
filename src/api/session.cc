// POST/GET/DELETE /api/v1/session: the dashboard's login with an API key (docs/api.md).
#include "api/body.h"
#include "api/errors.h"
#include "api/routes.h"

namespace postern::api {
namespace {

nlohmann::json session_json(const Session& s) {
  return {{"name", s.key_name},
          {"account", s.account.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.account)},
          {"admin", s.account.empty()},
          {"csrf_token", s.csrf_token}};
}

std::string cookie(const std::string& value, long max_age) {
  return std::string(kSessionCookie) + "=" + value +
         "; HttpOnly; SameSite=Strict; Path=/; Max-Age=" + std::to_string(max_age);
}

http::Response login(Service& s, const Call& call) {
  JsonBody body = JsonBody::parse(call.request);
  std::string key = body.required_string("key");
  body.finish();
  auto found = s.authenticator.find_key(key);
  if (!found) fail(401, "invalid API key");
  s.authenticator.touch(*found);
  Session session = s.sessions.create(*found);
  http::Response r = json_response(200, session_json(session));
  r.headers.emplace_back("Set-Cookie", cookie(session.id, kSessionLifetimeMs / 1000));
  return r;
}

const Session& require_session(const Call& call) {
  if (!call.caller.session) fail(401, "no session (this route is for the dashboard's cookie)");
  return *call.caller.session;
}

http::Response show(const Call& call) { return json_response(200, session_json(require_session(call))); }

http::Response logout(Service& s, const Call& call) {
  s.sessions.remove(require_session(call).id);
  http::Response r = no_content();
  r.headers.emplace_back("Set-Cookie", cookie("", 0));
  return r;
}

}  // namespace

void add_session_routes(Routes& routes) {
  Service& s = routes.service();
  routes.add("POST", "/api/v1/session", Access::Public,
             [&s](const Call& call) { return login(s, call); });
  routes.add("GET", "/api/v1/session", Access::Key, show);
  routes.add("DELETE", "/api/v1/session", Access::Key,
             [&s](const Call& call) { return logout(s, call); });
}

}  // namespace postern::api
