// /api/v1/webhooks: endpoints that receive message and auth events (F15), their deliveries
// and dead letters. The signing secret is returned once, by the POST that made it. An admin
// webhook (account null) receives every account's events and is an admin key's business.
#include <algorithm>
#include <charconv>

#include "api/body.h"
#include "api/errors.h"
#include "api/routes.h"
#include "cli/json_output.h"
#include "http/client.h"

namespace postern::api {
namespace {

constexpr std::string_view kEvents[] = {"accepted", "delivered",  "deferred",   "bounced",
                                        "expired",  "rejected",   "auth_failed"};
constexpr int kCountLimit = 10000;

std::optional<std::int64_t> parse_id(const std::string& text) {
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || p != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

nlohmann::json account_or_null(const std::string& account) {
  return account.empty() ? nlohmann::json(nullptr) : nlohmann::json(account);
}

nlohmann::json webhook_json(Service& s, const storage::Webhook& w) {
  auto count = [&](const char* status) {
    return s.store.list_webhook_deliveries(w.id, std::string(status), kCountLimit).size();
  };
  return {{"id", w.id},
          {"account", account_or_null(w.account)},
          {"url", w.url},
          {"events", w.events},
          {"active", w.active},
          {"created_at", cli::time_or_null(w.created_at)},
          {"pending", count("pending")},
          {"dead", count("dead")}};
}

nlohmann::json delivery_json(const storage::WebhookDelivery& d) {
  return {{"id", d.id},
          {"webhook_id", d.webhook_id},
          {"event", d.event},
          {"status", d.status},
          {"attempts", d.attempts},
          {"next_attempt_at", d.status == "pending" ? cli::time_or_null(d.next_attempt_at)
                                                    : nlohmann::json(nullptr)},
          {"last_error", d.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(d.last_error)},
          {"created_at", cli::time_or_null(d.created_at)},
          {"updated_at", cli::time_or_null(d.updated_at)},
          {"body", d.body}};
}

// The webhook with that id (text from the path or the query), after the ownership check.
storage::Webhook find_hook(Service& s, const Call& call, const std::string& text) {
  auto id = parse_id(text);
  if (!id) fail(404, "no such webhook");
  auto hook = s.store.find_webhook(*id);
  if (!hook) fail(404, "no such webhook: " + std::to_string(*id));
  if (hook->account.empty()) require_admin(call.caller);
  require_owner(call.caller, hook->account);
  return *hook;
}

std::string checked_url(const std::string& url) {
  http::Url parsed;
  if (url.size() > 2000 || !http::parse_url(url, parsed) || parsed.host.empty())
    fail(422, "invalid url: expected http://host[:port]/path or https://...");
  return url;
}

std::vector<std::string> checked_events(const std::vector<std::string>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) {
    if (std::find(std::begin(kEvents), std::end(kEvents), e) == std::end(kEvents))
      fail(422, "invalid event in 'events': expected accepted, delivered, deferred, bounced, "
                "expired, rejected or auth_failed");
    if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
  }
  if (out.empty()) fail(422, "'events' must name at least one event");
  return out;
}

std::string webhook_secret() { return "whsec_" + random_token(); }

http::Response list(Service& s, const Call& call) {
  std::optional<std::string> account;
  if (!call.caller.admin) account = call.caller.account;
  nlohmann::json doc = nlohmann::json::array();
  for (const auto& w : s.store.list_webhooks(account)) doc.push_back(webhook_json(s, w));
  return json_response(200, doc);
}

http::Response create(Service& s, const Call& call) {
  JsonBody body = JsonBody::parse(call.request);
  storage::Webhook hook;
  hook.url = checked_url(body.required_string("url"));
  auto events = body.strings("events");
  if (!events) fail(422, "field 'events' is required");
  hook.events = checked_events(*events);
  // No account (or null, or ""): an admin webhook for every account; an account key's own.
  hook.account = scope_account(s.store, call.caller, body.string("account")).value_or("");
  body.finish();
  hook.secret = webhook_secret();
  hook.active = true;
  storage::Webhook created = value_or_fail(s.store.create_webhook(hook), 422);
  if (s.deps.webhooks_changed) s.deps.webhooks_changed();
  nlohmann::json doc = webhook_json(s, created);
  doc["secret"] = hook.secret;
  return json_response(201, doc);
}

http::Response remove(Service& s, const Call& call, const std::string& id_text) {
  storage::Webhook hook = find_hook(s, call, id_text);
  check_or_fail(s.store.remove_webhook(hook.id), 404);
  if (s.deps.webhooks_changed) s.deps.webhooks_changed();
  return no_content();
}

http::Response remove_by_query(Service& s, const Call& call) {
  auto id = query_param(call.request, "id");
  if (!id) fail(422, "?id= is required");
  if (!parse_id(*id)) fail(422, "invalid id: expected a webhook id");
  return remove(s, call, *id);
}

http::Response deliveries(Service& s, const Call& call) {
  storage::Webhook hook = find_hook(s, call, call.param("id"));
  auto status = query_param(call.request, "status");
  if (status && *status != "pending" && *status != "delivered" && *status != "dead")
    fail(422, "invalid status: expected pending, delivered or dead");
  int limit = 100;
  if (auto text = query_param(call.request, "limit")) {
    auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
    if (ec != std::errc() || p != text->data() + text->size() || limit < 1 || limit > 1000)
      fail(422, "invalid limit: expected a number from 1 to 1000");
  }
  nlohmann::json doc = nlohmann::json::array();
  for (const auto& d : s.store.list_webhook_deliveries(hook.id, status, limit))
    doc.push_back(delivery_json(d));
  return json_response(200, doc);
}

std::optional<storage::WebhookDelivery> find_delivery(Service& s, std::int64_t hook_id,
                                                      std::int64_t id) {
  for (auto& d : s.store.list_webhook_deliveries(hook_id, std::nullopt, kCountLimit))
    if (d.id == id) return d;
  return std::nullopt;
}

http::Response redeliver(Service& s, const Call& call) {
  storage::Webhook hook = find_hook(s, call, call.param("id"));
  auto id = parse_id(call.param("delivery"));
  if (!id || !find_delivery(s, hook.id, *id)) fail(404, "no such delivery of this webhook");
  check_or_fail(s.store.redeliver_webhook_delivery(*id, s.clock.now_ms()), 404);
  auto d = find_delivery(s, hook.id, *id);
  if (!d) fail(404, "no such delivery of this webhook");
  return json_response(200, delivery_json(*d));
}

}  // namespace

void add_webhook_routes(Routes& routes) {
  Service& s = routes.service();
  routes.add("GET", "/api/v1/webhooks", Access::Key, [&s](const Call& c) { return list(s, c); });
  routes.add("POST", "/api/v1/webhooks", Access::Key, [&s](const Call& c) { return create(s, c); });
  routes.add("DELETE", "/api/v1/webhooks", Access::Key,
             [&s](const Call& c) { return remove_by_query(s, c); });
  routes.add("DELETE", "/api/v1/webhooks/{id}", Access::Key,
             [&s](const Call& c) { return remove(s, c, c.param("id")); });
  routes.add("GET", "/api/v1/webhooks/{id}/deliveries", Access::Key,
             [&s](const Call& c) { return deliveries(s, c); });
  routes.add("POST", "/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver", Access::Key,
             [&s](const Call& c) { return redeliver(s, c); });
}

}  // namespace postern::api
