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
  std::string tls = "opportunistic";  // "none" | "opportunistic" | "required"
  std::string auth_user;      // AUTH PLAIN at the upstream when set (only over TLS unless tls="none")
  std::string auth_password;  // a secret: never logged
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
  // [delivery] outbound SMTP (src/outbound); client timeouts per RFC 5321 §4.5.3.2.
  std::uint16_t mx_port = 25;                         // port used for MX hosts (tests: a sink)
  std::uint32_t max_connections_per_destination = 10;  // per MX host or route, busy + idle
  std::uint32_t delivery_idle_timeout_s = 5;           // an idle connection is kept this long
  std::uint32_t connect_timeout_s = 30;
  std::uint32_t dns_timeout_s = 10;                    // per DNS question
  std::uint32_t greeting_timeout_s = 300;              // §4.5.3.2.1: initial 220
  std::uint32_t smtp_command_timeout_s = 300;          // §4.5.3.2.2-3: EHLO, MAIL, RCPT, ...
  std::uint32_t data_init_timeout_s = 120;             // §4.5.3.2.4: the 354
  std::uint32_t data_block_timeout_s = 180;            // §4.5.3.2.5: each block sent
  std::uint32_t data_final_timeout_s = 600;            // §4.5.3.2.6: reply to the final dot
  // [delivery] queue (src/queue): retries, expiry, concurrency.
  std::uint32_t max_queue_age_s = 5 * 86400;           // then expire and bounce
  std::vector<std::uint32_t> retry_schedule_s{60, 300, 900, 1800, 3600, 7200, 14400};
  std::uint32_t max_deliveries_in_flight = 100;
  std::uint64_t max_message_size = 26214400;
  std::uint32_t max_recipients = 100;
  std::uint32_t max_connections_per_ip = 100;  // 421 beyond this many concurrent sessions
  std::uint32_t command_timeout_s = 300;       // RFC 5321 §4.5.3.2.7: server timeout 5 min
  std::uint32_t data_timeout_s = 600;          // whole DATA phase (§4.5.3.2.6: 10 min)
  std::uint32_t tls_handshake_timeout_s = 30;
  std::uint32_t auth_max_failures_per_ip = 30;
  std::uint32_t auth_failure_window_s = 600;
  // [policy] spf_include: the host a sender domain's SPF must include for sender mode `any`
  // (default "_spf.<hostname>").
  std::string spf_include;
  // [webhooks] (src/webhooks): back-off between failed attempts (after the last step fails
  // the delivery is dead) and the timeout of one POST.
  std::vector<std::uint32_t> webhook_retry_schedule_s{30, 120, 600, 3600, 14400};
  std::uint32_t webhook_timeout_s = 10;
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
