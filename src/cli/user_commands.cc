// `postern user add|set|passwd|disable|enable|delete|show|list` (interface.md, "CLI").
#include <memory>
#include <ostream>

#include "cli/cli.h"
#include "cli/json_output.h"
#include "cli/options.h"
#include "cli/user_view.h"
#include "policy/rate.h"

namespace postern::cli {

namespace {

using storage::SmtpUser;
using storage::UserStatus;

struct UserArgs {
  std::string account, username, rename, grace;
  UserSettingFlags settings;
  PasswordFlags password;
  bool clear_ips = false, clear_domains = false, json = false;
  CLI::Option* account_opt = nullptr;
};

// The user of that name, deleted ones included (for `show`).
SmtpUser find_any_user(storage::Store& store, const std::string& name) {
  auto user = store.find_user(unwrap(normalize_username(name)));
  if (!user) throw CommandError("no such user: " + name);
  return *user;
}

// A user that can still be changed: active or disabled.
SmtpUser find_live_user(storage::Store& store, const std::string& name) {
  SmtpUser user = find_any_user(store, name);
  if (user.status == UserStatus::Deleted)
    throw CommandError("user " + user.username + " is deleted");
  return user;
}

void require_free_username(storage::Store& store, const std::string& username) {
  auto existing = store.find_user(username);
  if (existing && existing->status != UserStatus::Deleted)
    throw CommandError("user " + username + " already exists (account " +
                       existing->account_name + ")");
}

void add_user(Context& ctx, const UserArgs& a) {
  storage::Store& store = ctx.store();
  std::string account_name = unwrap(normalize_account_name(a.account));
  auto account = store.find_account(account_name);
  if (!account) throw CommandError("no such account: " + account_name);
  SmtpUser user;
  user.username = unwrap(normalize_username(a.username));
  user.account_id = account->id;
  user.account_name = account->name;
  check(apply_user_settings(to_user_settings(a.settings), user));
  require_free_username(store, user.username);
  NewPassword password = obtain_password(a.password, ctx.in);
  check(set_password(user, password.secret, 0, now_ms()));
  SmtpUser created = unwrap(store.create_user(user));
  ctx.out << "created user " << created.username << " (uuid " << created.uuid << ") in account "
          << account->name << '\n';
  if (password.generated) print_generated_password(ctx.out, password.secret);
}

void set_user(Context& ctx, const UserArgs& a) {
  storage::Store& store = ctx.store();
  SmtpUser user = find_live_user(store, a.username);
  UserSettings settings = to_user_settings(a.settings);
  if (settings == UserSettings{} && !a.clear_ips && !a.clear_domains && a.rename.empty())
    throw CommandError("nothing to change: give at least one option (see --help)");
  if (a.clear_ips) settings.allow_ips.emplace();
  if (a.clear_domains) settings.domains.emplace();
  check(apply_user_settings(settings, user));
  std::string old_name = user.username;
  if (!a.rename.empty()) {
    std::string new_name = unwrap(normalize_username(a.rename));
    if (new_name != user.username) require_free_username(store, new_name);
    user.username = new_name;
  }
  check(store.update_user(user));
  ctx.out << "updated user " << user.username;
  if (user.username != old_name) ctx.out << " (renamed from " << old_name << ")";
  ctx.out << '\n';
}

void change_password(Context& ctx, const UserArgs& a) {
  storage::Store& store = ctx.store();
  SmtpUser user = find_live_user(store, a.username);
  std::int64_t grace = 0;
  if (!a.grace.empty()) {
    auto seconds = parse_duration_seconds(a.grace);
    if (!seconds)
      throw CommandError("invalid --grace '" + a.grace +
                         "': expected a duration such as 30m, 24h or 7d");
    grace = *seconds;
  }
  NewPassword password = obtain_password(a.password, ctx.in);
  check(set_password(user, password.secret, grace, now_ms()));
  check(store.update_user(user));
  ctx.out << "changed password of user " << user.username;
  if (!user.previous_password_hash.empty())
    ctx.out << "; the previous password stays valid until "
            << format_iso8601(user.previous_password_until);
  ctx.out << '\n';
  if (password.generated) print_generated_password(ctx.out, password.secret);
}

struct StatusChange {
  const char* command;
  const char* help;
  UserStatus target;
  const char* done;  // past tense for the confirmation line
};

constexpr StatusChange kStatusChanges[] = {
    {"disable", "Disable a user: it cannot log in until enabled again", UserStatus::Disabled,
     "disabled"},
    {"enable", "Enable a disabled user", UserStatus::Active, "enabled"},
    {"delete",
     "Delete a user: its credential stops working at once (the record stays, so the auth log "
     "can say user_deleted; the username may be reused)",
     UserStatus::Deleted, "deleted"},
};

void change_status(Context& ctx, const UserArgs& a, const StatusChange& change) {
  storage::Store& store = ctx.store();
  SmtpUser user = find_live_user(store, a.username);
  if (user.status == change.target) {
    ctx.out << "user " << user.username << " is already " << change.done << '\n';
    return;
  }
  user.status = change.target;
  check(store.update_user(user));
  ctx.out << change.done << " user " << user.username << '\n';
}

void show_user(Context& ctx, const UserArgs& a) {
  SmtpUser user = find_any_user(ctx.store(), a.username);
  // The quota usage of the current period (F10), counted even when the quota is unlimited.
  const Millis period = policy::quota_period_start(user.quota_period, now_ms());
  const storage::QuotaUsage usage = ctx.store().quota_usage(user.id, period);
  if (a.json) {
    nlohmann::json doc = user_to_json(user);
    add_quota_usage(doc, user, usage.used, period);
    ctx.out << doc.dump(2) << '\n';
  } else {
    print_user(ctx.out, user);
    ctx.out << "quota_used:              " << usage.used;
    if (user.quota_period != "total") ctx.out << " since " << format_iso8601(period);
    ctx.out << '\n';
  }
}

void list_users(Context& ctx, const UserArgs& a) {
  storage::Store& store = ctx.store();
  std::optional<std::string> account;
  if (a.account_opt->count() > 0) {
    account = unwrap(normalize_account_name(a.account));
    if (!store.find_account(*account)) throw CommandError("no such account: " + *account);
  }
  std::vector<SmtpUser> users = store.list_users(account);  // deleted users are not listed
  if (a.json) {
    nlohmann::json doc = nlohmann::json::array();
    for (const auto& user : users) doc.push_back(user_to_json(user));
    ctx.out << doc.dump(2) << '\n';
  } else {
    print_user_table(ctx.out, users);
  }
}

using Handler = void (*)(Context&, const UserArgs&);

CLI::App* add_command(CLI::App& group, Context& ctx, const char* name, const char* help,
                      const std::shared_ptr<UserArgs>& args, Handler handler) {
  CLI::App* cmd = group.add_subcommand(name, help);
  cmd->callback([&ctx, args, handler] { handler(ctx, *args); });
  return cmd;
}

void add_username(CLI::App* cmd, UserArgs& a) {
  cmd->add_option("USERNAME", a.username, "SMTP username (not an email address)")->required();
}

}  // namespace

void add_user_commands(CLI::App& app, Context& ctx) {
  CLI::App* group = &command_group(app, "user", "Manage SMTP users (one credential per app)");

  auto add_args = std::make_shared<UserArgs>();
  CLI::App* add = add_command(*group, ctx, "add", "Create an SMTP user in an account", add_args,
                              add_user);
  add->add_option("ACCOUNT", add_args->account, "Account that owns the user")->required();
  add->add_option("USERNAME", add_args->username,
                  "[a-z0-9][a-z0-9._-]{0,63}, case-insensitive; not an email address")
      ->required();
  add_password_options(*add, add_args->password);
  add_user_setting_options(*add, add_args->settings);

  auto set_args = std::make_shared<UserArgs>();
  CLI::App* set = add_command(*group, ctx, "set",
                              "Change an SMTP user; --allow-ip and --domain REPLACE the stored "
                              "lists (give every entry), --clear-* empty them",
                              set_args, set_user);
  add_username(set, *set_args);
  add_user_setting_options(*set, set_args->settings);
  set->add_flag("--clear-ips", set_args->clear_ips, "Empty the IP allow list (any source)")
      ->excludes(set_args->settings.allow_ips_opt);
  set->add_flag("--clear-domains", set_args->clear_domains, "Empty the assigned domains")
      ->excludes(set_args->settings.domains_opt);
  set->add_option("--rename", set_args->rename, "New username");

  auto passwd_args = std::make_shared<UserArgs>();
  CLI::App* passwd = add_command(*group, ctx, "passwd", "Set a new password", passwd_args,
                                 change_password);
  add_username(passwd, *passwd_args);
  add_password_options(*passwd, passwd_args->password);
  passwd->add_option("--grace", passwd_args->grace,
                     "Keep the old password valid this long (30m, 24h, 7d); logins with it are "
                     "logged as previous_password. Without it the old password stops at once");

  for (const StatusChange& change : kStatusChanges) {
    auto args = std::make_shared<UserArgs>();
    CLI::App* cmd = group->add_subcommand(change.command, change.help);
    add_username(cmd, *args);
    cmd->callback([&ctx, args, &change] { change_status(ctx, *args, change); });
  }

  auto show_args = std::make_shared<UserArgs>();
  CLI::App* show =
      add_command(*group, ctx, "show", "Show an SMTP user (never its password)", show_args,
                  show_user);
  add_username(show, *show_args);
  show->add_flag("--json", show_args->json, "One JSON object");

  auto list_args = std::make_shared<UserArgs>();
  CLI::App* list = add_command(*group, ctx, "list",
                               "List SMTP users (deleted ones are left out; `user show` still "
                               "shows them)",
                               list_args, list_users);
  list_args->account_opt =
      list->add_option("--account", list_args->account, "Only the users of this account");
  list->add_flag("--json", list_args->json, "One JSON array");
}

}  // namespace postern::cli
