// `postern queue list|delete`: the spool as the operator sees it (interface.md, CLI).
// Retry arrives with delivery (the scheduler owns attempts).
#pragma once
#include <CLI/CLI.hpp>

#include <functional>

#include "config/config.h"

namespace postern::app {

void add_queue_commands(CLI::App& app, std::function<const config::Config&()> config);

}  // namespace postern::app
