// Fuzzes config::parse_config with arbitrary bytes as the TOML file. Invariants: it never
// crashes or throws; an Error names the origin; an accepted Config has at least one listener,
// each with a non-empty host and a port that split_host_port gives back from its address, and
// every value inside the bounds the parser promises (routes, limits, timeouts, schedules), and
// a hostname and SPF include that are host names (no space or line break for the greeting,
// EHLO and Received: header).
// Also: the config `postern init` writes parses back, with the same data_dir, for any data_dir
// of printable ASCII or tabs, quotes and backslashes included (taken from the input).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/config.h"

namespace {

using postern::config::Config;

void require(bool ok) {
  if (!ok) std::abort();
}

// A name that goes into the SMTP greeting, EHLO and Received: header (or into a DNS record):
// nothing that could break a line or a header.
bool dns_name(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  for (char ch : name)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
          ch == '.' || ch == '-' || ch == '_'))
      return false;
  return true;
}

void check_accepted(const Config& c) {
  require(dns_name(c.hostname));
  require(dns_name(c.spf_include));
  require(!c.listeners.empty());
  for (const auto& l : c.listeners) {
    auto hp = postern::config::split_host_port(l.address);
    require(hp.ok());
    require(!l.host.empty() && hp->first == l.host && hp->second == l.port);
    require(l.tls == postern::config::TlsMode::StartTls || l.tls == postern::config::TlsMode::Implicit ||
            l.tls == postern::config::TlsMode::None);
  }
  for (const auto& r : c.routes) {
    require(!r.to.empty() && postern::config::split_host_port(r.to).ok());
    require(r.tls == "none" || r.tls == "opportunistic" || r.tls == "required");
    require(r.auth_user.empty() == r.auth_password.empty());
  }
  require(c.max_message_size >= 1024);
  require(c.max_recipients >= 1);
  require(c.max_connections_per_destination >= 1);
  constexpr std::uint32_t year = 365u * 86400;
  for (std::uint32_t d : {c.command_timeout_s, c.data_timeout_s, c.tls_handshake_timeout_s,
                          c.delivery_idle_timeout_s, c.connect_timeout_s, c.dns_timeout_s,
                          c.greeting_timeout_s, c.smtp_command_timeout_s, c.data_init_timeout_s,
                          c.data_block_timeout_s, c.data_final_timeout_s, c.max_queue_age_s,
                          c.auth_failure_window_s})
    require(d <= year);
  require(!c.retry_schedule_s.empty());
  for (std::uint32_t s : c.retry_schedule_s) require(s >= 1 && s <= 30u * 86400);
  require(c.webhook_retry_schedule_s.size() <= 20);
  for (std::uint32_t s : c.webhook_retry_schedule_s) require(s >= 1 && s <= 7u * 86400);
  require(c.webhook_timeout_s >= 1 && c.webhook_timeout_s <= 300);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto parsed = postern::config::parse_config(text, "fuzz.toml");
  if (parsed) {
    check_accepted(*parsed);
    require(parsed->path == "fuzz.toml");
    // Parsing is a function of the text: a second parse agrees.
    auto again = postern::config::parse_config(text, "fuzz.toml");
    require(again.ok() && again->listeners.size() == parsed->listeners.size() &&
            again->data_dir == parsed->data_dir);
  } else {
    require(parsed.error().message.starts_with("fuzz.toml: "));
  }

  // `postern init`'s file for a data_dir made of the input's first line (printable ASCII).
  std::string dir;
  for (char ch : std::string_view(text).substr(0, 80)) {
    if (ch == '\n') break;
    if ((ch >= 0x20 && ch < 0x7f) || ch == '\t') dir += ch;
  }
  static std::string last_dir = "\x01";  // the check is a function of dir: skip repeats
  if (dir == last_dir) return 0;
  last_dir = dir;
  auto init = postern::config::parse_config(postern::config::default_config_text(dir), "init");
  require(init.ok());
  check_accepted(*init);
  require(init->data_dir == dir && init->listeners.size() == 3);
  require(init->store_url == "sqlite:" + dir + "/postern.db");
  return 0;
}
