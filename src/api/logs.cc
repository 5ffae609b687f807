// GET /api/v1/logs/auth, /api/v1/logs/messages and /api/v1/messages/{id}: the `postern log`
// commands with their filters as query parameters, newest first, filtered in the store. An
// account key sees its own account's events only (auth events of unknown users belong to no
// account: admin only).
#include <algorithm>
#include <charconv>

#include "api/errors.h"
#include "api/routes.h"
#include "events/auth_log.h"
#include "events/message_log.h"
#include "queue/queue_json.h"

namespace postern::api {
namespace {

constexpr int kMaxLimit = 10000;  // the store's own cap
constexpr std::string_view kMessageStatuses[] = {"accepted", "rejected",  "deferred", "delivered",
                                                 "bounced",  "expired",   "suppressed"};

int limit_of(const http::Request& request) {
  auto text = query_param(request, "limit");
  if (!text) return 100;
  int n = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || p != text->data() + text->size() || n < 1 || n > kMaxLimit)
    fail(422, "invalid limit: expected a number from 1 to " + std::to_string(kMaxLimit));
  return n;
}

std::optional<Millis> since_of(const http::Request& request, Millis now) {
  auto text = query_param(request, "since");
  if (!text) return std::nullopt;
  auto seconds = parse_duration_seconds(*text);
  if (!seconds) fail(422, "invalid since: expected a duration such as 30m, 1h or 2d");
  return now - *seconds * 1000;
}

http::Response auth_log(Service& s, const Call& call) {
  const http::Request& r = call.request;
  auto account = scope_account(s.store, call.caller, query_param(r, "account"));
  storage::AuthEventFilter filter;
  filter.username = query_param(r, "user");
  filter.ip = query_param(r, "ip");
  filter.result = query_param(r, "result");
  if (filter.result && *filter.result != "ok" && *filter.result != "fail")
    fail(422, "invalid result: expected ok or fail");
  filter.account = account;
  filter.since = since_of(r, s.clock.now_ms());
  filter.limit = limit_of(r);
  auto events = s.store.query_auth_events(filter);
  nlohmann::json doc = nlohmann::json::array();
  for (const auto& e : events) doc.push_back(events::auth_event_json(e));
  return json_response(200, doc);
}

http::Response message_log(Service& s, const Call& call) {
  const http::Request& r = call.request;
  auto account = scope_account(s.store, call.caller, query_param(r, "account"));
  storage::MessageEventFilter filter;
  filter.user = query_param(r, "user");
  filter.id = query_param(r, "id");
  filter.status = query_param(r, "status");
  if (filter.status && std::find(std::begin(kMessageStatuses), std::end(kMessageStatuses),
                                 *filter.status) == std::end(kMessageStatuses))
    fail(422, "invalid status: expected accepted, rejected, deferred, delivered, bounced, "
              "expired or suppressed");
  filter.account = account;
  filter.ip = query_param(r, "ip");
  filter.since = since_of(r, s.clock.now_ms());
  filter.limit = limit_of(r);
  auto events = s.store.query_message_events(filter);
  nlohmann::json doc = nlohmann::json::array();
  for (const auto& e : events) doc.push_back(events::message_event_json(e));
  return json_response(200, doc);
}

http::Response message(Service& s, const Call& call) {
  const std::string& id = call.param("id");
  storage::MessageEventFilter filter;
  filter.id = id;
  filter.limit = 1000;
  auto events = s.store.query_message_events(filter);
  auto queued = s.spool.find(id);
  if (events.empty() && !queued) fail(404, "no such message");
  require_owner(call.caller, queued ? queued->account : events.front().account);
  nlohmann::json doc_events = nlohmann::json::array();
  for (const auto& e : events) doc_events.push_back(events::message_event_json(e));
  nlohmann::json doc = {{"id", id}, {"events", doc_events}, {"queue", nullptr}};
  if (queued) doc["queue"] = queue::queued_message_json(*queued, s.store.deliveries_of(id));
  return json_response(200, doc);
}

}  // namespace

void add_log_routes(Routes& routes) {
  Service& s = routes.service();
  routes.add("GET", "/api/v1/logs/auth", Access::Key, [&s](const Call& c) { return auth_log(s, c); });
  routes.add("GET", "/api/v1/logs/messages", Access::Key,
             [&s](const Call& c) { return message_log(s, c); });
  routes.add("GET", "/api/v1/messages/{id}", Access::Key,
             [&s](const Call& c) { return message(s, c); });
}

}  // namespace postern::api
