// /api/v1/queue: the `postern queue` commands (list, retry, delete) over HTTP. A message's
// account is the one recorded in its spool envelope; an account key reaches only its own.
#include <algorithm>

#include "api/errors.h"
#include "api/routes.h"
#include "queue/queue_json.h"

namespace postern::api {
namespace {

// The queued message's account after the ownership check; 404 when the message is neither
// in the spool nor has a queued recipient in the delivery table. A message known only by its delivery rows has no
// recorded account: only an admin may touch it.
void require_message(Service& s, const Call& call, const std::string& id) {
  auto queued = s.spool.find(id);
  if (queued) return require_owner(call.caller, queued->account);
  auto rows = s.store.deliveries_of(id);
  bool queued_rows = std::any_of(rows.begin(), rows.end(),
                                 [](const storage::Delivery& d) { return d.status == "queued"; });
  if (!queued_rows) fail(404, "no such queued message: " + id.substr(0, 64));
  require_admin(call.caller);
}

http::Response list(Service& s, const Call& call) {
  nlohmann::json doc = nlohmann::json::array();
  for (const auto& e : s.spool.list())
    if (call.caller.owns(e.account))
      doc.push_back(queue::queued_message_json(e, s.store.deliveries_of(e.id)));
  return json_response(200, doc);
}

http::Response retry(Service& s, const Call& call) {
  const std::string& id = call.param("id");
  require_message(s, call, id);
  std::int64_t n = s.store.retry_now(id, s.clock.now_ms());
  if (n > 0 && s.deps.wake_scheduler) s.deps.wake_scheduler();
  return json_response(200, {{"scheduled", n}});
}

// As `postern queue delete`: the queued recipients become "deleted" (no bounce), then the
// spool file goes.
http::Response remove(Service& s, const Call& call) {
  const std::string& id = call.param("id");
  require_message(s, call, id);
  auto rows = s.store.deliveries_of(id);
  for (auto& d : rows)
    if (d.status == "queued") d.status = "deleted";
  check_or_fail(s.store.update_deliveries(rows), 500);
  if (s.spool.find(id)) check_or_fail(s.spool.remove(id), 500);
  return no_content();
}

}  // namespace

void add_queue_routes(Routes& routes) {
  Service& s = routes.service();
  routes.add("GET", "/api/v1/queue", Access::Key, [&s](const Call& c) { return list(s, c); });
  routes.add("POST", "/api/v1/queue/{id}/retry", Access::Key,
             [&s](const Call& c) { return retry(s, c); });
  routes.add("DELETE", "/api/v1/queue/{id}", Access::Key,
             [&s](const Call& c) { return remove(s, c); });
}

}  // namespace postern::api
