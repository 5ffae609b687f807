// `postern account add|list|suspend|resume` (interface.md, "CLI").
#include <memory>
#include <ostream>

#include "cli/cli.h"
#include "cli/json_output.h"
#include "cli/options.h"
#include "cli/text_table.h"

namespace postern::cli {

namespace {

struct AccountArgs {
  std::string name;
  std::string reason;
  std::string rate;  // "N/s|m|h|d", "none" clears
  bool json = false;
};

storage::Account require_account(storage::Store& store, const std::string& name) {
  auto account = store.find_account(name);
  if (!account) throw CommandError("no such account: " + name);
  return *account;
}

void add_account(Context& ctx, const AccountArgs& a) {
  std::string name = unwrap(normalize_account_name(a.name));
  storage::Store& store = ctx.store();
  if (store.find_account(name)) throw CommandError("account " + name + " already exists");
  std::string rate = unwrap(normalize_rate(a.rate));
  storage::Account account = unwrap(store.create_account(name));
  if (!rate.empty()) check(store.set_account_rate(account.name, rate));
  ctx.out << "created account " << account.name << '\n';
}

// `account set NAME --rate N/PERIOD|none`: the account-wide rate limit (all its users).
void set_account(Context& ctx, const AccountArgs& a) {
  std::string name = unwrap(normalize_account_name(a.name));
  storage::Store& store = ctx.store();
  require_account(store, name);
  std::string rate = unwrap(normalize_rate(a.rate));
  check(store.set_account_rate(name, rate));
  ctx.out << "updated account " << name << ": rate " << (rate.empty() ? "none" : rate) << '\n';
}

void list_accounts(Context& ctx, const AccountArgs& a) {
  std::vector<storage::Account> accounts = ctx.store().list_accounts();
  if (a.json) {
    nlohmann::json doc = nlohmann::json::array();
    for (const auto& account : accounts) {
      nlohmann::json j = account_to_json(account);
      std::string rate = ctx.store().account_rate(account.id);
      j["rate"] = rate.empty() ? nlohmann::json(nullptr) : nlohmann::json(rate);
      doc.push_back(std::move(j));
    }
    ctx.out << doc.dump(2) << '\n';
    return;
  }
  TextTable table({"NAME", "STATUS", "RATE", "CREATED", "REASON"});
  for (const auto& account : accounts) {
    std::string rate = ctx.store().account_rate(account.id);
    table.add_row({account.name, storage::to_string(account.status), rate.empty() ? "-" : rate,
                   account.created_at ? format_iso8601(account.created_at) : "-",
                   account.suspend_reason});
  }
  table.print(ctx.out);
}

void set_status(Context& ctx, const AccountArgs& a, storage::AccountStatus status) {
  std::string name = unwrap(normalize_account_name(a.name));
  storage::Store& store = ctx.store();
  require_account(store, name);
  std::string reason = status == storage::AccountStatus::Suspended ? a.reason : "";
  check(store.set_account_status(name, status, reason));
  if (status == storage::AccountStatus::Suspended) {
    ctx.out << "suspended account " << name;
    if (!reason.empty()) ctx.out << " (reason: " << reason << ")";
    ctx.out << '\n';
  } else {
    ctx.out << "resumed account " << name << '\n';
  }
}

}  // namespace

void add_account_commands(CLI::App& app, Context& ctx) {
  CLI::App* group = &command_group(app, "account", "Manage accounts (customers)");

  // One argument struct per subcommand, owned by its callback.
  auto add_args = std::make_shared<AccountArgs>();
  CLI::App* add = group->add_subcommand("add", "Create an account");
  add->add_option("NAME", add_args->name, "Account name: [a-z0-9][a-z0-9._-]{0,63}")->required();
  add->add_option("--rate", add_args->rate,
                  "Rate limit of all the account's users together: N/s, N/m, N/h or N/d");
  add->callback([&ctx, add_args] { add_account(ctx, *add_args); });

  auto set_args = std::make_shared<AccountArgs>();
  CLI::App* set = group->add_subcommand("set", "Change an account's settings");
  set->add_option("NAME", set_args->name, "Account name")->required();
  set->add_option("--rate", set_args->rate,
                  "Rate limit of all the account's users together (N/s|m|h|d; none = no limit)")
      ->required();
  set->callback([&ctx, set_args] { set_account(ctx, *set_args); });

  auto list_args = std::make_shared<AccountArgs>();
  CLI::App* list = group->add_subcommand("list", "List accounts");
  list->add_flag("--json", list_args->json, "One JSON array");
  list->callback([&ctx, list_args] { list_accounts(ctx, *list_args); });

  auto suspend_args = std::make_shared<AccountArgs>();
  CLI::App* suspend =
      group->add_subcommand("suspend", "Suspend an account: every AUTH of its users fails");
  suspend->add_option("NAME", suspend_args->name, "Account name")->required();
  suspend->add_option("--reason", suspend_args->reason, "Why (shown to operators)");
  suspend->callback([&ctx, suspend_args] {
    set_status(ctx, *suspend_args, storage::AccountStatus::Suspended);
  });

  auto resume_args = std::make_shared<AccountArgs>();
  CLI::App* resume = group->add_subcommand("resume", "Resume a suspended account");
  resume->add_option("NAME", resume_args->name, "Account name")->required();
  resume->callback(
      [&ctx, resume_args] { set_status(ctx, *resume_args, storage::AccountStatus::Active); });
}

}  // namespace postern::cli
