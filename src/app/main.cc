// postern: the relay (`serve`), its set-up (`init`) and the admin commands of interface.md.
// Exit codes: 0 success, 1 failure, 2 usage error; errors are one line on stderr.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>

#include "app/open_store.h"
#include "app/queue_commands.h"
#include "app/serve.h"
#include "cli/cli.h"
#include "config/config.h"
#include "dns/resolver.h"
#include "storage/store.h"

using namespace postern;

int main(int argc, char** argv) {
  CLI::App app{"Postern: authenticated outbound SMTP relay"};
  app.require_subcommand(1);
  const char* env_config = std::getenv("POSTERN_CONFIG");
  std::string config_path = env_config ? env_config : "var/postern.toml";
  app.add_option("-c,--config", config_path, "config file (env POSTERN_CONFIG)")
      ->capture_default_str();

  std::optional<config::Config> loaded;
  auto load = [&]() -> const config::Config& {
    if (!loaded) {
      auto c = config::load_config(config_path);
      if (!c) throw cli::CommandError(c.error().message);
      loaded = std::move(c.value());
    }
    return *loaded;
  };
  std::unique_ptr<storage::Store> store;
  cli::Context ctx{[&]() -> storage::Store& {
                     if (!store) {
                       auto s = app::open_store(load().store_url);
                       if (!s) throw cli::CommandError(s.error().message);
                       store = std::move(s.value());
                     }
                     return *store;
                   },
                   std::cout, std::cerr, std::cin};
  ctx.config = load;
  ctx.resolver = [&]() -> std::unique_ptr<dns::Resolver> {
    auto r = dns::make_resolver(load().resolver);
    if (!r) throw cli::CommandError(r.error().message);
    return std::move(r.value());
  };

  int exit_code = 0;
  auto* serve = app.add_subcommand("serve", "run the relay in the foreground");
  serve->callback([&] { exit_code = app::serve(load()); });
  std::string data_dir = "var";
  auto* init = app.add_subcommand("init", "create the data directory, config, certificate and store");
  init->add_option("--data-dir", data_dir, "data directory")->capture_default_str();
  init->callback([&] { exit_code = app::init(config_path, data_dir); });

  cli::add_account_commands(app, ctx);
  cli::add_user_commands(app, ctx);
  cli::add_log_commands(app, ctx);
  cli::add_domain_commands(app, ctx);
  cli::add_suppression_commands(app, ctx);
  cli::add_apikey_commands(app, ctx);
  app::add_queue_commands(app, load, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "postern: error: " << e.what() << " (see --help)\n";
    return 2;
  } catch (const cli::CommandError& e) {
    std::cerr << "postern: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "postern: error: " << e.what() << "\n";
    return 1;
  }
  return exit_code;
}
