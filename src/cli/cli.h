// The admin commands of interface.md ("CLI"), over the same store the server uses.
// Each add_* function registers a command group on the CLI11 app. Callbacks report failure by
// throwing cli::CommandError (main prints "postern: error: <message>" on stderr and exits 1);
// usage errors are CLI11's (exit 2).
#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>
#include <memory>
#include <stdexcept>
#include <string>

#include "config/config.h"
#include "dns/resolver.h"
#include "storage/store.h"

namespace postern::cli {

struct CommandError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Context {
  std::function<storage::Store&()> store;  // opened lazily from the config
  std::ostream& out;
  std::ostream& err;
  std::istream& in;  // --password-stdin
  // For the domain commands (data_dir, spf_include; DNS for `domain verify`); set by main,
  // injected by tests. resolver() throws CommandError when none can be made.
  std::function<const config::Config&()> config = {};
  std::function<std::unique_ptr<dns::Resolver>()> resolver = {};
};

// The callbacks keep a reference to ctx: it must outlive app's parse().
void add_account_commands(CLI::App& app, Context& ctx);
void add_user_commands(CLI::App& app, Context& ctx);
void add_log_commands(CLI::App& app, Context& ctx);
// `suppression add|remove|list|import|export` (suppression_commands.cc).
void add_suppression_commands(CLI::App& app, Context& ctx);
void add_domain_commands(CLI::App& app, Context& ctx);
// `apikey add|list|revoke`: API keys of the HTTP API (apikey_commands.cc).
void add_apikey_commands(CLI::App& app, Context& ctx);

}  // namespace postern::cli
