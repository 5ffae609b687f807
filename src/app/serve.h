// app::serve: the composition root of `postern serve` — the only place that names concrete
// classes (SqliteStore through open_store, Spool, CredentialVerifier, listeners) and wires
// them. Returns the process exit code.
#pragma once
#include "config/config.h"

namespace postern::app {

int serve(const config::Config& config);
// `postern init`: data directory, default config, certificate, store. Idempotent.
int init(const std::string& config_path, const std::string& data_dir);

}  // namespace postern::app
