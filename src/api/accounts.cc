// /api/v1/accounts: list, create, show, suspend, resume (the `postern account` commands).
#include "api/body.h"
#include "api/errors.h"
#include "api/routes.h"
#include "cli/json_output.h"
#include "cli/user_settings.h"

namespace postern::api {
namespace {

// The account named in the path, after the ownership check (an account key asking for another
// account is 403 whether it exists or not).
storage::Account path_account(Service& s, const Call& call) {
  auto name = cli::normalize_account_name(call.param("name"));
  if (!name) fail(404, "no such account");
  require_owner(call.caller, *name);
  auto account = s.store.find_account(*name);
  if (!account) fail(404, "no such account: " + *name);
  return *account;
}

http::Response list(Service& s, const Call& call) {
  nlohmann::json doc = nlohmann::json::array();
  for (const auto& a : s.store.list_accounts())
    if (call.caller.owns(a.name)) doc.push_back(cli::account_to_json(a));
  return json_response(200, doc);
}

http::Response create(Service& s, const Call& call) {
  JsonBody body = JsonBody::parse(call.request);
  std::string name = value_or_fail(cli::normalize_account_name(body.required_string("name")), 422);
  body.finish();
  if (s.store.find_account(name)) fail(409, "account " + name + " already exists");
  return json_response(201, cli::account_to_json(value_or_fail(s.store.create_account(name), 409)));
}

http::Response show(Service& s, const Call& call) {
  return json_response(200, cli::account_to_json(path_account(s, call)));
}

http::Response set_status(Service& s, const Call& call, storage::AccountStatus status) {
  storage::Account account = path_account(s, call);
  JsonBody body = JsonBody::parse(call.request, true);
  std::string reason;
  if (status == storage::AccountStatus::Suspended) reason = body.string("reason").value_or("");
  body.finish();
  if (reason.size() > 500) fail(422, "reason: at most 500 characters");
  check_or_fail(s.store.set_account_status(account.name, status, reason), 422);
  return json_response(200, cli::account_to_json(*s.store.find_account(account.name)));
}

}  // namespace

void add_account_routes(Routes& routes) {
  Service& s = routes.service();
  routes.add("GET", "/api/v1/accounts", Access::Key, [&s](const Call& c) { return list(s, c); });
  routes.add("POST", "/api/v1/accounts", Access::Admin, [&s](const Call& c) { return create(s, c); });
  routes.add("GET", "/api/v1/accounts/{name}", Access::Key,
             [&s](const Call& c) { return show(s, c); });
  routes.add("POST", "/api/v1/accounts/{name}/suspend", Access::Admin, [&s](const Call& c) {
    return set_status(s, c, storage::AccountStatus::Suspended);
  });
  routes.add("POST", "/api/v1/accounts/{name}/resume", Access::Admin, [&s](const Call& c) {
    return set_status(s, c, storage::AccountStatus::Active);
  });
}

}  // namespace postern::api
