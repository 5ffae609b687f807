// `postern log auth` and `postern log messages` (interface.md, "CLI", "Auth log", "Message
// log"): newest first, filtered in the store.
#include <memory>
#include <ostream>

#include "cli/cli.h"
#include "cli/json_output.h"
#include "cli/options.h"
#include "events/auth_log.h"
#include "events/message_log.h"

namespace postern::cli {

namespace {

struct AuthLogArgs {
  std::string user, ip, account, result, since;
  int limit = 100;
  bool json = false;
};

std::optional<Millis> since_cutoff(const std::string& since, Millis now) {
  if (since.empty()) return std::nullopt;
  auto seconds = parse_duration_seconds(since);
  if (!seconds)
    throw CommandError("invalid --since '" + since + "': expected a duration such as 30m, 1h or 2d");
  return now - *seconds * 1000;
}

storage::AuthEventFilter to_filter(const AuthLogArgs& a, Millis now) {
  storage::AuthEventFilter filter;
  if (!a.user.empty()) filter.username = a.user;
  if (!a.ip.empty()) filter.ip = a.ip;
  if (!a.account.empty()) filter.account = unwrap(normalize_account_name(a.account));
  if (!a.result.empty()) filter.result = a.result;
  filter.since = since_cutoff(a.since, now);
  filter.limit = a.limit;
  return filter;
}

struct MessageLogArgs {
  std::string user, id, status, account, ip, since;
  int limit = 100;
  bool json = false;
};

void show_message_log(Context& ctx, const MessageLogArgs& a) {
  storage::MessageEventFilter filter;
  if (!a.user.empty()) filter.user = a.user;
  if (!a.id.empty()) filter.id = a.id;
  if (!a.status.empty()) filter.status = a.status;
  if (!a.account.empty()) filter.account = unwrap(normalize_account_name(a.account));
  if (!a.ip.empty()) filter.ip = a.ip;
  filter.since = since_cutoff(a.since, now_ms());
  filter.limit = a.limit;
  auto events = ctx.store().query_message_events(filter);
  if (a.json) {
    nlohmann::json doc = nlohmann::json::array();
    for (const auto& e : events) doc.push_back(events::message_event_json(e));
    ctx.out << doc.dump(2) << '\n';
    return;
  }
  for (const auto& e : events) {
    ctx.out << format_iso8601(e.time) << ' ' << e.status;
    auto field = [&ctx](const char* key, const std::string& value) {
      if (!value.empty()) ctx.out << ' ' << key << '=' << value;
    };
    field("reason", e.reason);
    field("id", e.id);
    field("user", e.user);
    field("from", e.mail_from.empty() ? "<>" : e.mail_from);
    field("rcpt", e.rcpt);
    field("mx", e.mx);
    if (e.attempt) ctx.out << " attempt=" << e.attempt;
    if (!e.remote_reply.empty()) ctx.out << " reply=\"" << e.remote_reply << '"';
    ctx.out << '\n';
  }
}

// One line per event: time, result, reason, then key=value pairs (empty values left out).
void print_event(std::ostream& out, const storage::AuthEvent& e) {
  out << format_iso8601(e.time) << ' ' << e.result << ' ' << e.reason;
  auto field = [&out](const char* key, const std::string& value) {
    if (!value.empty()) out << ' ' << key << '=' << value;
  };
  field("user", e.username);
  field("account", e.account.value_or(""));
  out << " ip=" << e.ip << " port=" << e.port;
  field("listener", e.listener);
  field("tls", e.tls);
  field("mech", e.mechanism);
  field("session", e.session);
  std::string hints;
  for (const auto& hint : e.hints) hints += (hints.empty() ? "" : ",") + hint;
  field("hints", hints);
  if (!e.enforced) out << " enforced=no";
  field("detail", e.detail);
  if (!e.reply.empty()) out << " reply=\"" << e.reply << '"';
  out << '\n';
}

void show_auth_log(Context& ctx, const AuthLogArgs& a) {
  storage::AuthEventFilter filter = to_filter(a, now_ms());
  std::vector<storage::AuthEvent> events = ctx.store().query_auth_events(filter);
  if (a.json) {
    nlohmann::json doc = nlohmann::json::array();
    for (const auto& event : events) doc.push_back(events::auth_event_json(event));
    ctx.out << doc.dump(2) << '\n';
    return;
  }
  for (const auto& event : events) print_event(ctx.out, event);
}

}  // namespace

void add_log_commands(CLI::App& app, Context& ctx) {
  CLI::App* group = &command_group(app, "log", "Read the auth and message logs");

  auto args = std::make_shared<AuthLogArgs>();
  CLI::App* auth = group->add_subcommand("auth", "AUTH attempts, newest first");
  auth->add_option("--user", args->user, "Only this username (as sent)");
  auth->add_option("--ip", args->ip, "Only this source IP");
  auth->add_option("--account", args->account, "Only the users of this account");
  auth->add_option("--result", args->result, "ok or fail")
      ->check(CLI::IsMember({"ok", "fail"}));
  auth->add_option("--since", args->since, "Only events newer than this long ago (1h, 30m, 2d)");
  auth->add_option("--limit", args->limit, "At most N events (default 100)")
      ->check(CLI::Range(1, 100000));
  auth->add_flag("--json", args->json, "One JSON array, as GET /api/v1/logs/auth");
  auth->callback([&ctx, args] { show_auth_log(ctx, *args); });

  auto margs = std::make_shared<MessageLogArgs>();
  CLI::App* messages = group->add_subcommand("messages", "Message events, newest first");
  messages->add_option("--user", margs->user, "Only this SMTP user");
  messages->add_option("--id", margs->id, "Only this queue id");
  messages->add_option("--account", margs->account, "Only this account's messages");
  messages->add_option("--ip", margs->ip, "Only messages submitted from this client IP");
  messages->add_option("--status", margs->status, "accepted, rejected, deferred, delivered, bounced, expired, suppressed")
      ->check(CLI::IsMember({"accepted", "rejected", "deferred", "delivered", "bounced", "expired", "suppressed"}));
  messages->add_option("--since", margs->since, "Only events newer than this long ago (1h, 30m, 2d)");
  messages->add_option("--limit", margs->limit, "At most N events (default 100)")->check(CLI::Range(1, 100000));
  messages->add_flag("--json", margs->json, "One JSON array, as GET /api/v1/logs/messages");
  messages->callback([&ctx, margs] { show_message_log(ctx, *margs); });
}

}  // namespace postern::cli
