// GET /api/v1/stats/hourly: counts per hour for the dashboard's overview, oldest first, one
// row for every hour of the window (hours without events are zeros).
#include <charconv>
#include <map>

#include "api/errors.h"
#include "api/routes.h"
#include "cli/json_output.h"

namespace postern::api {
namespace {

constexpr Millis kHour = 3'600'000;

int hours_of(const http::Request& request) {
  auto text = query_param(request, "hours");
  if (!text) return 24;
  int n = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || p != text->data() + text->size() || n < 1 || n > 168)
    fail(422, "invalid hours: expected a number from 1 to 168");
  return n;
}

nlohmann::json row_json(const storage::HourlyStats& h) {
  return {{"hour", cli::time_or_null(h.hour)}, {"accepted", h.accepted},
          {"delivered", h.delivered},          {"deferred", h.deferred},
          {"bounced", h.bounced},              {"expired", h.expired},
          {"rejected", h.rejected},            {"auth_failed", h.auth_failed}};
}

http::Response hourly(Service& s, const Call& call) {
  auto account = scope_account(s.store, call.caller, query_param(call.request, "account"));
  const int hours = hours_of(call.request);
  const Millis now = s.clock.now_ms();
  const Millis first = (now - now % kHour) - (hours - 1) * kHour;
  std::map<Millis, storage::HourlyStats> by_hour;
  for (const auto& row : s.store.hourly_stats(first, account)) by_hour[row.hour] = row;
  nlohmann::json doc = nlohmann::json::array();
  for (int i = 0; i < hours; ++i) {
    storage::HourlyStats row;
    row.hour = first + i * kHour;
    if (auto it = by_hour.find(row.hour); it != by_hour.end()) row = it->second;
    doc.push_back(row_json(row));
  }
  return json_response(200, doc);
}

}  // namespace

void add_stats_routes(Routes& routes) {
  Service& s = routes.service();
  routes.add("GET", "/api/v1/stats/hourly", Access::Key,
             [&s](const Call& c) { return hourly(s, c); });
}

}  // namespace postern::api
