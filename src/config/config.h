// config::Config: the immutable settings of one Postern node, parsed from TOML
// (../shared/spec/interface.md, "Configuration file"). Built once at start-up, then shared
// read-only by every thread. Relative paths are taken relative to the working directory.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace postern::config {

enum class TlsMode { StartTls, Implicit, None };
const char* to_string(TlsMode mode);  // "starttls" | "implicit" | "none"

struct Listener {
  std::string address;  // as written: "127.0.0.1:2587", "[::1]:587"
  std::string host;     // "127.0.0.1", "::1"
  std::uint16_t port = 0;
  TlsMode tls = TlsMode::StartTls;
  bool proxy_protocol = false;
  std::vector<std::string> trusted_proxies;
};

struct Route {
  std::string domain;  // "*" or a domain
  std::string to;      // "host:port"
  std::string tls = "opportunistic";
};

struct Config {
  std::string hostname = "localhost";
  std::string data_dir = "var";
  std::string store_url;  // default "sqlite:<data_dir>/postern.db"
  std::vector<Listener> listeners;
  std::string tls_cert;  // default "<data_dir>/tls/cert.pem"
  std::string tls_key;   // default "<data_dir>/tls/key.pem"
  std::string http_address = "127.0.0.1:8025";
  std::string resolver = "system";
  std::vector<Route> routes;
  std::uint64_t max_message_size = 26214400;
  std::uint32_t max_recipients = 100;
  std::uint32_t max_connections_per_ip = 100;  // 421 beyond this many concurrent sessions
  std::uint32_t command_timeout_s = 300;       // RFC 5321 §4.5.3.2.7: server timeout 5 min
  std::uint32_t data_timeout_s = 600;          // whole DATA phase (§4.5.3.2.6: 10 min)
  std::uint32_t tls_handshake_timeout_s = 30;
  std::uint32_t auth_max_failures_per_ip = 30;
  std::uint32_t auth_failure_window_s = 600;
  std::uint32_t workers = 0;  // event-loop threads; 0 = one per core
  std::string path;           // the file this came from
};

Result<Config> parse_config(const std::string& toml_text, const std::string& origin);
Result<Config> load_config(const std::string& path);
// The config `postern init` writes: listeners on 587/465/2525, HTTP on 127.0.0.1:8025.
std::string default_config_text(const std::string& data_dir);
// "host:port" / "[v6]:port" -> (host, port); Error on anything else.
Result<std::pair<std::string, std::uint16_t>> split_host_port(const std::string& address);

}  // namespace postern::config
