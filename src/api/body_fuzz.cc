// Fuzzes the API's request bodies (api::JsonBody) with the exact accessor sequences of the
// handlers that read a body (users create/update/password, accounts, domains, suppressions,
// webhooks, API keys, session), then the CLI validation the user routes apply to the fields
// (cli::normalize_username, cli::apply_user_settings). Invariants:
// - nothing but api::Failure is thrown, and only with 400 (bad JSON / wrong type) or 422;
// - every error answer is a JSON document {"error": string} that parses back, and an
//   "unknown field" message echoes the name as bounded printable ASCII;
// - apply_user_settings is all-or-nothing (on Error the user is unchanged) and what it stores
//   is canonical (normalising it again gives the same) and accepted by storage::validate_user.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "api/body.h"
#include "api/errors.h"
#include "api/user_body.h"
#include "cli/user_settings.h"
#include "storage/domain_store.h"
#include "storage/names.h"
#include "storage/records.h"

namespace {

using postern::api::Failure;
using postern::api::JsonBody;

void require(bool ok) {
  if (!ok) std::abort();
}

// An error answer as the route wrapper sends it must be well-formed JSON.
void check_answer(const Failure& f) {
  require(f.status == 400 || f.status == 422);
  auto response = postern::api::error_response(f.status, f.what());
  auto doc = nlohmann::json::parse(response.body, nullptr, false);
  require(!doc.is_discarded() && doc.is_object() && doc["error"].is_string());
  std::string_view msg = f.what();
  if (msg.starts_with("unknown field '")) {
    require(msg.size() <= std::string_view("unknown field ''").size() + 64);
    for (char c : msg) require(static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f);
  }
}

void check_settings(const postern::cli::UserSettings& settings, postern::storage::SmtpUser user) {
  using namespace postern::cli;
  const postern::storage::SmtpUser before = user;
  if (!apply_user_settings(settings, user)) {
    require(user.allow_ips == before.allow_ips && user.domains == before.domains &&
            user.mode == before.mode && user.quota == before.quota && user.rate == before.rate &&
            user.allow_ip_mode == before.allow_ip_mode &&
            user.quota_period == before.quota_period && user.quota_action == before.quota_action);
    return;
  }
  auto ips = canonical_allow_ips(user.allow_ips);
  require(ips.ok() && *ips == user.allow_ips);
  auto domains = normalize_domains(user.domains);
  require(domains.ok() && *domains == user.domains);
  auto rate = normalize_rate(user.rate);
  require(rate.ok() && *rate == user.rate);
  require(postern::storage::validate_user(user).ok());
}

postern::storage::SmtpUser sample_user() {
  postern::storage::SmtpUser u;
  u.username = "crm-mailer";
  u.password_hash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA";  // shape only: never verified
  u.allow_ips = {"192.0.2.0/24"};
  u.domains = {"example.test"};
  u.rate = "100/m";
  return u;
}

// The body as parsed once (nullopt when parse() refused it), handed to each route as a copy.
std::optional<JsonBody> parse_once(const postern::http::Request& request, bool allow_empty) {
  try {
    return JsonBody::parse(request, allow_empty);
  } catch (const Failure& f) {
    check_answer(f);
    return std::nullopt;
  }
}

template <class Route>
void run(const std::optional<JsonBody>& parsed, Route route) {
  if (!parsed) return;
  try {
    JsonBody body = *parsed;
    route(body);
  } catch (const Failure& f) {
    check_answer(f);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace postern;
  http::Request request;
  request.method = "POST";
  request.body.assign(reinterpret_cast<const char*>(data), size);
  const std::optional<JsonBody> strict = parse_once(request, false);  // most routes
  const std::optional<JsonBody> lenient = parse_once(request, true);  // an empty body is {}

  run(strict, [](JsonBody& body) {  // POST /api/v1/smtp-users
    body.string("account");
    auto name = cli::normalize_username(body.required_string("username"));
    body.string("password");
    cli::UserSettings settings = postern::api::user_settings_of(body);
    body.finish();
    if (!name) return;
    require(storage::validate_username(*name).ok());
    storage::SmtpUser user;
    user.username = *name;
    user.password_hash = "x";
    check_settings(settings, user);
  });
  run(strict, [](JsonBody& body) {  // PATCH /api/v1/smtp-users/{username}
    cli::UserSettings settings = postern::api::user_settings_of(body);
    body.string("status");
    body.string("username");
    body.has("password");
    body.finish();
    check_settings(settings, sample_user());
  });
  run(lenient, [](JsonBody& body) {  // POST .../password
    body.string("password");
    if (auto grace = body.string("grace")) parse_duration_seconds(*grace);
    body.finish();
  });
  run(strict, [](JsonBody& body) {  // POST /api/v1/accounts
    auto name = cli::normalize_account_name(body.required_string("name"));
    body.finish();
    if (name) require(storage::validate_account_name(*name).ok());
  });
  run(lenient, [](JsonBody& body) {  // POST /api/v1/accounts/{name}/suspend
    body.string("reason");
    body.finish();
  });
  run(strict, [](JsonBody& body) {  // POST /api/v1/domains
    body.string("account");
    auto name = storage::normalize_domain_name(body.required_string("domain"));
    body.strings("algorithms");
    body.finish();
    if (name) {
      auto again = storage::normalize_domain_name(*name);
      require(again.ok() && *again == *name);
    }
  });
  run(strict, [](JsonBody& body) {  // POST /api/v1/suppressions
    body.string("account");
    body.required_string("address");
    body.string("reason");
    body.finish();
  });
  run(strict, [](JsonBody& body) {  // POST /api/v1/webhooks
    body.required_string("url");
    body.strings("events");
    body.string("account");
    body.finish();
  });
  run(strict, [](JsonBody& body) {  // POST /api/v1/apikeys
    body.required_string("name");
    body.string("account");
    body.finish();
  });
  run(strict, [](JsonBody& body) {  // POST /api/v1/session
    body.required_string("key");
    body.finish();
  });
  return 0;
}
