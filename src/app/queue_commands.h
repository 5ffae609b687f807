// `postern queue list|retry|delete`: the spool and its delivery state as the operator sees
// it (interface.md, CLI). A running server picks up retry/delete within its poll interval.
#pragma once
#include <CLI/CLI.hpp>

#include <functional>

#include "cli/cli.h"
#include "config/config.h"

namespace postern::app {

void add_queue_commands(CLI::App& app, std::function<const config::Config&()> config,
                        cli::Context& ctx);

}  // namespace postern::app
