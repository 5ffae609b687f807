// /api/v1/apikeys: list, create and revoke API keys (as `postern apikey`). The key itself is
// returned once, by the POST that made it; only its SHA-256 is stored. An account key manages
// its own account's keys only and can never make an admin key.
#include "api/body.h"
#include "api/errors.h"
#include "api/routes.h"
#include "auth/api_key.h"
#include "cli/json_output.h"
#include "storage/names.h"

namespace postern::api {
namespace {

nlohmann::json key_json(const storage::ApiKey& k) {
  return {{"name", k.name},
          {"account", k.account.empty() ? nlohmann::json(nullptr) : nlohmann::json(k.account)},
          {"prefix", k.prefix},
          {"created_at", cli::time_or_null(k.created_at)},
          {"last_used_at", cli::time_or_null(k.last_used_at)}};
}

// Key names follow the account-name rules: [a-z0-9][a-z0-9._-]{0,63}, case-insensitive.
std::string checked_name(const std::string& text) {
  if (!storage::validate_account_name(text))
    fail(422, "invalid name: 1 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter or a "
              "digit");
  return storage::normalize_name(text);
}

std::optional<storage::ApiKey> find_by_name(Service& s, const std::string& name) {
  for (auto& k : s.store.list_api_keys(std::nullopt))
    if (k.name == name) return k;
  return std::nullopt;
}

http::Response list(Service& s, const Call& call) {
  std::optional<std::string> account;
  if (!call.caller.admin) account = call.caller.account;
  nlohmann::json doc = nlohmann::json::array();
  for (const auto& k : s.store.list_api_keys(account)) doc.push_back(key_json(k));
  return json_response(200, doc);
}

http::Response create(Service& s, const Call& call) {
  JsonBody body = JsonBody::parse(call.request);
  storage::ApiKey key;
  key.name = checked_name(body.required_string("name"));
  // No account (or null): an admin key, which only an admin key may make.
  key.account = scope_account(s.store, call.caller, body.string("account")).value_or("");
  body.finish();
  if (find_by_name(s, key.name)) fail(409, "API key " + key.name + " already exists");
  const std::string secret = auth::generate_api_key();
  key.key_hash = auth::hash_api_key(secret);
  key.prefix = auth::api_key_prefix(secret);
  auto created = s.store.create_api_key(key);
  if (!created) fail(find_by_name(s, key.name) ? 409 : 422, created.error().message);
  nlohmann::json doc = key_json(*created);
  doc["key"] = secret;
  return json_response(201, doc);
}

http::Response revoke(Service& s, const Call& call) {
  auto name = storage::validate_account_name(call.param("name"))
                  ? std::optional(storage::normalize_name(call.param("name")))
                  : std::nullopt;
  auto key = name ? find_by_name(s, *name) : std::nullopt;
  if (!key) fail(404, "no such API key");
  if (key->account.empty()) require_admin(call.caller);
  require_owner(call.caller, key->account);
  check_or_fail(s.store.revoke_api_key(key->name), 404);
  return no_content();
}

}  // namespace

void add_apikey_routes(Routes& routes) {
  Service& s = routes.service();
  routes.add("GET", "/api/v1/apikeys", Access::Key, [&s](const Call& c) { return list(s, c); });
  routes.add("POST", "/api/v1/apikeys", Access::Key, [&s](const Call& c) { return create(s, c); });
  routes.add("DELETE", "/api/v1/apikeys/{name}", Access::Key,
             [&s](const Call& c) { return revoke(s, c); });
}

}  // namespace postern::api
