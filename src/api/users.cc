// /api/v1/smtp-users: the `postern user` commands over HTTP, with the same validation
// (cli/user_settings.h) and the same JSON (cli/json_output.h). A password is hashed here
// (Argon2id, ~80 ms: handlers run on the blocking pool); a generated one is returned once, in
// the answer that set it, and a given one never.
#include "api/body.h"
#include "api/errors.h"
#include "api/routes.h"
#include "api/user_body.h"
#include "base/random.h"
#include "base/secret.h"
#include "cli/json_output.h"
#include "cli/user_settings.h"
#include "policy/rate.h"

namespace postern::api {
namespace {

using storage::SmtpUser;
using storage::UserStatus;

nlohmann::json user_doc(Service& s, const SmtpUser& user) {
  const Millis period = policy::quota_period_start(user.quota_period, s.clock.now_ms());
  nlohmann::json doc = cli::user_to_json(user);
  cli::add_quota_usage(doc, user, s.store.quota_usage(user.id, period).used, period);
  return doc;
}

// The user named in the path (deleted ones included), after the ownership check.
SmtpUser any_user(Service& s, const Call& call) {
  auto name = cli::normalize_username(call.param("username"));
  if (!name) fail(404, "no such user");
  auto user = s.store.find_user(*name);
  if (!user) fail(404, "no such user: " + *name);
  require_owner(call.caller, user->account_name);
  return *user;
}

// A user that can still be changed: active or disabled.
SmtpUser live_user(Service& s, const Call& call) {
  SmtpUser user = any_user(s, call);
  if (user.status == UserStatus::Deleted) fail(404, "user " + user.username + " is deleted");
  return user;
}

void require_free_username(Service& s, const std::string& username) {
  auto existing = s.store.find_user(username);
  if (existing && existing->status != UserStatus::Deleted)
    fail(409, "user " + username + " already exists");
}

// The given password, or a generated one (returned once by the caller).
struct NewPassword {
  Secret secret;
  bool generated = false;
};
NewPassword new_password(const std::optional<std::string>& given) {
  if (given) return {Secret(*given), false};
  return {Secret(generate_password()), true};
}

http::Response list(Service& s, const Call& call) {
  auto account = scope_account(s.store, call.caller, query_param(call.request, "account"));
  nlohmann::json doc = nlohmann::json::array();
  for (const auto& user : s.store.list_users(account)) doc.push_back(user_doc(s, user));
  return json_response(200, doc);
}

http::Response create(Service& s, const Call& call) {
  JsonBody body = JsonBody::parse(call.request);
  std::string account_name =
      required_account(s.store, call.caller, body.string("account"), "account");
  std::string username =
      value_or_fail(cli::normalize_username(body.required_string("username")), 422);
  std::optional<std::string> password = body.string("password");
  cli::UserSettings settings = user_settings_of(body);
  body.finish();

  auto account = s.store.find_account(account_name);
  if (!account) fail(404, "no such account: " + account_name);
  SmtpUser user;
  user.username = username;
  user.account_id = account->id;
  user.account_name = account->name;
  check_or_fail(cli::apply_user_settings(settings, user), 422);
  require_free_username(s, username);
  NewPassword pw = new_password(password);
  check_or_fail(cli::set_password(user, pw.secret, 0, s.clock.now_ms()), 422);
  SmtpUser created = value_or_fail(s.store.create_user(user), 409);
  nlohmann::json doc = user_doc(s, created);
  if (pw.generated) doc["password"] = std::string(pw.secret.reveal());
  return json_response(201, doc);
}

http::Response show(Service& s, const Call& call) {
  return json_response(200, user_doc(s, any_user(s, call)));
}

std::optional<UserStatus> settable_status(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  if (*text == "active") return UserStatus::Active;
  if (*text == "disabled") return UserStatus::Disabled;
  fail(422, "invalid status: expected active or disabled (DELETE the user to delete it)");
}

http::Response update(Service& s, const Call& call) {
  SmtpUser user = live_user(s, call);
  JsonBody body = JsonBody::parse(call.request);
  cli::UserSettings settings = user_settings_of(body);
  std::optional<UserStatus> status = settable_status(body.string("status"));
  std::optional<std::string> rename = body.string("username");
  if (body.has("password"))
    fail(422, "the password is changed with POST /api/v1/smtp-users/{username}/password");
  body.finish();

  check_or_fail(cli::apply_user_settings(settings, user), 422);
  if (status) user.status = *status;
  if (rename) {
    std::string new_name = value_or_fail(cli::normalize_username(*rename), 422);
    if (new_name != user.username) require_free_username(s, new_name);
    user.username = new_name;
  }
  if (settings != cli::UserSettings{} || status || rename)
    check_or_fail(s.store.update_user(user), 422);
  auto stored = s.store.find_user(user.username);
  return json_response(200, user_doc(s, stored ? *stored : user));
}

http::Response remove(Service& s, const Call& call) {
  SmtpUser user = live_user(s, call);
  user.status = UserStatus::Deleted;
  check_or_fail(s.store.update_user(user), 422);
  return no_content();
}

http::Response change_password(Service& s, const Call& call) {
  SmtpUser user = live_user(s, call);
  JsonBody body = JsonBody::parse(call.request, true);
  std::optional<std::string> password = body.string("password");
  std::optional<std::string> grace_text = body.string("grace");
  body.finish();
  std::int64_t grace = 0;
  if (grace_text && !grace_text->empty()) {
    auto seconds = parse_duration_seconds(*grace_text);
    if (!seconds)
      fail(422, "invalid grace '" + grace_text->substr(0, 40) +
                    "': expected a duration such as 30m, 24h or 7d");
    grace = *seconds;
  }
  NewPassword pw = new_password(password);
  check_or_fail(cli::set_password(user, pw.secret, grace, s.clock.now_ms()), 422);
  check_or_fail(s.store.update_user(user), 422);
  nlohmann::json doc = {
      {"username", user.username},
      {"previous_password_until",
       cli::time_or_null(user.previous_password_hash.empty() ? 0 : user.previous_password_until)}};
  if (pw.generated) doc["password"] = std::string(pw.secret.reveal());
  return json_response(200, doc);
}

}  // namespace

void add_user_routes(Routes& routes) {
  Service& s = routes.service();
  const std::string one = "/api/v1/smtp-users/{username}";
  routes.add("GET", "/api/v1/smtp-users", Access::Key, [&s](const Call& c) { return list(s, c); });
  routes.add("POST", "/api/v1/smtp-users", Access::Key,
             [&s](const Call& c) { return create(s, c); });
  routes.add("GET", one, Access::Key, [&s](const Call& c) { return show(s, c); });
  routes.add("PATCH", one, Access::Key, [&s](const Call& c) { return update(s, c); });
  routes.add("DELETE", one, Access::Key, [&s](const Call& c) { return remove(s, c); });
  routes.add("POST", one + "/password", Access::Key,
             [&s](const Call& c) { return change_password(s, c); });
}

}  // namespace postern::api
