// `postern apikey add|list|revoke` (interface.md, "CLI"; docs/api.md "Authentication"): keys for
// the HTTP API. A key is generated here, printed once, and only its SHA-256 is stored; no key
// without --account is an admin key (every account), one with it sees only that account.
#include <memory>
#include <ostream>

#include "auth/api_key.h"
#include "cli/cli.h"
#include "cli/json_output.h"
#include "cli/options.h"
#include "cli/text_table.h"
#include "storage/names.h"

namespace postern::cli {
namespace {

struct ApiKeyArgs {
  std::string name;
  std::string account;
  bool json = false;
};

// The api key shape of docs/api.md; never the key or its hash.
nlohmann::json api_key_json(const storage::ApiKey& k) {
  return {
      {"name", k.name},
      {"account", k.account.empty() ? nlohmann::json(nullptr) : nlohmann::json(k.account)},
      {"prefix", k.prefix},
      {"created_at", time_or_null(k.created_at)},
      {"last_used_at", time_or_null(k.last_used_at)},
  };
}

void add_key(Context& ctx, const ApiKeyArgs& a) {
  storage::Store& store = ctx.store();
  storage::ApiKey row;
  row.name = a.name;
  if (!a.account.empty()) {
    row.account = unwrap(normalize_account_name(a.account));
    if (!store.find_account(row.account)) throw CommandError("no such account: " + row.account);
  }
  const std::string key = auth::generate_api_key();
  row.key_hash = auth::hash_api_key(key);
  row.prefix = auth::api_key_prefix(key);
  storage::ApiKey created = unwrap(store.create_api_key(row));
  // The one place a key is ever printed, after the store accepted it.
  ctx.out << "key: " << key << '\n';
  if (created.account.empty())
    ctx.out << "admin key " << created.name
            << " (sees and changes every account); it is shown only once: store it now\n";
  else
    ctx.out << "account key " << created.name << " (account " << created.account
            << " only); it is shown only once: store it now\n";
}

void list_keys(Context& ctx, const ApiKeyArgs& a) {
  std::vector<storage::ApiKey> keys = ctx.store().list_api_keys(std::nullopt);
  if (a.json) {
    nlohmann::json doc = nlohmann::json::array();
    for (const auto& k : keys) doc.push_back(api_key_json(k));
    ctx.out << doc.dump(2) << '\n';
    return;
  }
  TextTable table({"NAME", "ACCOUNT", "PREFIX", "CREATED", "LAST USED"});
  for (const auto& k : keys)
    table.add_row({k.name, k.account.empty() ? "(admin)" : k.account, k.prefix,
                   k.created_at ? format_iso8601(k.created_at) : "-",
                   k.last_used_at ? format_iso8601(k.last_used_at) : "-"});
  table.print(ctx.out);
}

void revoke_key(Context& ctx, const ApiKeyArgs& a) {
  check(ctx.store().revoke_api_key(a.name));
  ctx.out << "revoked API key " << storage::normalize_name(a.name) << '\n';
}

using Handler = void (*)(Context&, const ApiKeyArgs&);

struct Command {
  const char* name;
  const char* help;
  Handler handler;
  bool name_arg, account, json;
};

constexpr Command kCommands[] = {
    {"add", "Create an API key and print it once (no --account: an admin key)", add_key, true,
     true, false},
    {"list", "List the API keys that are not revoked", list_keys, false, false, true},
    {"revoke", "Revoke an API key: requests with it are refused at once", revoke_key, true, false,
     false},
};

}  // namespace

void add_apikey_commands(CLI::App& app, Context& ctx) {
  CLI::App* group = &command_group(app, "apikey", "Manage the API keys of the HTTP API");
  for (const Command& c : kCommands) {
    auto args = std::make_shared<ApiKeyArgs>();
    CLI::App* cmd = group->add_subcommand(c.name, c.help);
    if (c.name_arg) cmd->add_option("NAME", args->name, "Key name")->required();
    if (c.account)
      cmd->add_option("--account", args->account, "Account the key is limited to");
    if (c.json) cmd->add_flag("--json", args->json, "One JSON array");
    cmd->callback([&ctx, args, handler = c.handler] { handler(ctx, *args); });
  }
}

}  // namespace postern::cli
