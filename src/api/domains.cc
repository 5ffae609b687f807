// /api/v1/domains: the `postern domain` commands over HTTP (dkim/domains.h adds and removes a
// domain with its DKIM keys; verification asks DNS through a resolver made per request).
#include <algorithm>

#include "api/body.h"
#include "api/errors.h"
#include "api/routes.h"
#include "cli/domain_json.h"
#include "cli/user_settings.h"
#include "dkim/domains.h"
#include "dkim/verify.h"

namespace postern::api {
namespace {

nlohmann::json domain_doc(Service& s, const storage::Domain& d) {
  return cli::domain_to_json(d, s.config.spf_include);
}

// The domain named in the path, after the ownership check.
storage::Domain path_domain(Service& s, const Call& call) {
  auto name = storage::normalize_domain_name(call.param("domain"));
  if (!name) fail(404, "no such domain");
  auto d = s.store.find_domain(*name);
  if (!d) fail(404, "no such domain: " + *name);
  require_owner(call.caller, d->account);
  return *d;
}

std::vector<storage::DkimAlgorithm> algorithms_of(const std::optional<std::vector<std::string>>& names) {
  std::vector<storage::DkimAlgorithm> out;
  if (!names) return {storage::DkimAlgorithm::Rsa, storage::DkimAlgorithm::Ed25519};
  for (const auto& name : *names) {
    auto a = storage::parse_dkim_algorithm(name);
    if (!a) fail(422, "invalid algorithm in 'algorithms': expected rsa or ed25519");
    if (std::find(out.begin(), out.end(), *a) == out.end()) out.push_back(*a);
  }
  if (out.empty()) fail(422, "'algorithms' must name at least one of rsa, ed25519");
  return out;
}

http::Response list(Service& s, const Call& call) {
  auto account = scope_account(s.store, call.caller, query_param(call.request, "account"));
  nlohmann::json doc = nlohmann::json::array();
  for (const auto& d : s.store.list_domains(account)) doc.push_back(domain_doc(s, d));
  return json_response(200, doc);
}

http::Response create(Service& s, const Call& call) {
  JsonBody body = JsonBody::parse(call.request);
  std::string account = required_account(s.store, call.caller, body.string("account"), "account");
  std::string name = value_or_fail(storage::normalize_domain_name(body.required_string("domain")), 422);
  auto algorithms = algorithms_of(body.strings("algorithms"));
  body.finish();
  if (auto existing = s.store.find_domain(name)) {
    // Another account's domain is named only to an admin.
    if (call.caller.owns(existing->account))
      fail(409, "domain " + name + " already exists (account " + existing->account + ")");
    fail(409, "domain " + name + " already exists");
  }
  auto added = dkim::add_domain_with_keys(s.store, dkim::KeyStore(s.config.data_dir), account,
                                          name, s.clock.now_ms(), algorithms);
  if (!added) fail(s.store.find_domain(name) ? 409 : 500, added.error().message);
  return json_response(201, domain_doc(s, *added));
}

http::Response show(Service& s, const Call& call) {
  return json_response(200, domain_doc(s, path_domain(s, call)));
}

http::Response verify(Service& s, const Call& call) {
  storage::Domain d = path_domain(s, call);
  std::unique_ptr<dns::Resolver> resolver = s.deps.resolver ? s.deps.resolver() : nullptr;
  if (!resolver) fail(503, "no DNS resolver available");
  dkim::DomainReport report = dkim::verify_domain(d, *resolver, s.config.spf_include);
  const Millis now = s.clock.now_ms();
  check_or_fail(s.store.set_verification(d.name, report.verification(now)), 500);
  return json_response(200, cli::report_to_json(report, now));
}

http::Response remove(Service& s, const Call& call) {
  storage::Domain d = path_domain(s, call);
  check_or_fail(dkim::remove_domain_with_keys(s.store, dkim::KeyStore(s.config.data_dir), d.name),
                500);
  return no_content();
}

}  // namespace

void add_domain_routes(Routes& routes) {
  Service& s = routes.service();
  routes.add("GET", "/api/v1/domains", Access::Key, [&s](const Call& c) { return list(s, c); });
  routes.add("POST", "/api/v1/domains", Access::Key, [&s](const Call& c) { return create(s, c); });
  routes.add("GET", "/api/v1/domains/{domain}", Access::Key,
             [&s](const Call& c) { return show(s, c); });
  routes.add("POST", "/api/v1/domains/{domain}/verify", Access::Key,
             [&s](const Call& c) { return verify(s, c); });
  routes.add("DELETE", "/api/v1/domains/{domain}", Access::Key,
             [&s](const Call& c) { return remove(s, c); });
}

}  // namespace postern::api
