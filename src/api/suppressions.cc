// /api/v1/suppressions: an account's suppression list (F14), as `postern suppression`.
#include <cctype>

#include "api/body.h"
#include "api/errors.h"
#include "api/routes.h"
#include "cli/json_output.h"
#include "mail/address.h"

namespace postern::api {
namespace {

// "<a@b>" or "a@b", canonical (the CLI's rule); 422 otherwise.
std::string checked_address(const std::string& text) {
  std::string_view a(text);
  if (a.size() >= 2 && a.front() == '<' && a.back() == '>') a = a.substr(1, a.size() - 2);
  auto parsed = mail::parse_mailbox(a, true);
  if (!parsed || parsed->is_null()) fail(422, "invalid address: expected an email address");
  std::string out = parsed->str();
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;  // stored lower-cased

}

nlohmann::json suppression_json(const std::string& account, const storage::Suppression& row) {
  return {{"account", account},
          {"address", row.address},
          {"reason", row.reason},
          {"created_at", cli::time_or_null(row.created_at)}};
}

std::optional<storage::Suppression> find_row(Service& s, const std::string& account,
                                             const std::string& address) {
  auto rows = value_or_fail(s.store.list_suppressions(account), 404);
  for (auto& row : rows)
    if (row.address == address) return row;
  return std::nullopt;
}

http::Response list(Service& s, const Call& call) {
  std::string account = required_account(s.store, call.caller,
                                         query_param(call.request, "account"), "?account=");
  nlohmann::json doc = nlohmann::json::array();
  for (const auto& row : value_or_fail(s.store.list_suppressions(account), 404))
    doc.push_back(suppression_json(account, row));
  return json_response(200, doc);
}

http::Response add(Service& s, const Call& call) {
  JsonBody body = JsonBody::parse(call.request);
  std::string account = required_account(s.store, call.caller, body.string("account"), "account");
  std::string address = checked_address(body.required_string("address"));
  std::string reason = body.string("reason").value_or("manual");
  body.finish();
  if (reason.empty() || reason.size() > 200) fail(422, "reason: 1 to 200 characters");
  bool added = value_or_fail(s.store.add_suppression(account, address, reason), 422);
  auto row = find_row(s, account, address);
  storage::Suppression fallback{address, reason, s.clock.now_ms()};
  return json_response(added ? 201 : 200, suppression_json(account, row ? *row : fallback));
}

http::Response remove(Service& s, const Call& call) {
  std::string account = required_account(s.store, call.caller,
                                         query_param(call.request, "account"), "?account=");
  auto address_text = query_param(call.request, "address");
  if (!address_text) fail(422, "?address= is required");
  std::string address = checked_address(*address_text);
  if (!value_or_fail(s.store.remove_suppression(account, address), 422))
    fail(404, address + " is not on the suppression list of account " + account);
  return no_content();
}

}  // namespace

void add_suppression_routes(Routes& routes) {
  Service& s = routes.service();
  routes.add("GET", "/api/v1/suppressions", Access::Key, [&s](const Call& c) { return list(s, c); });
  routes.add("POST", "/api/v1/suppressions", Access::Key, [&s](const Call& c) { return add(s, c); });
  routes.add("DELETE", "/api/v1/suppressions", Access::Key,
             [&s](const Call& c) { return remove(s, c); });
}

}  // namespace postern::api
