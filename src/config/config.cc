#include "config/config.h"

#include <toml++/toml.h>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "base/time.h"

namespace postern::config {
namespace {

Error err(const std::string& origin, const std::string& what) {
  return Error{origin + ": " + what};
}

template <class T>
bool read_uint(const toml::table& t, const char* key, T& out, std::string& problem) {
  auto node = t[key];
  if (!node) return true;
  auto v = node.value<std::int64_t>();
  if (!v || *v < 0 || static_cast<std::uint64_t>(*v) > std::numeric_limits<T>::max()) {
    problem = std::string(key) + " must be a non-negative integer";
    return false;
  }
  out = static_cast<T>(*v);
  return true;
}

bool read_duration(const toml::table& t, const char* key, std::uint32_t& out,
                   std::string& problem) {
  auto node = t[key];
  if (!node) return true;
  std::optional<std::int64_t> secs;
  if (auto s = node.value<std::string>()) secs = parse_duration_seconds(*s);
  else if (auto i = node.value<std::int64_t>()) secs = *i;
  if (!secs || *secs < 0 || *secs > 365LL * 86400) {
    problem = std::string(key) + " must be a duration like \"30s\", \"10m\" or \"24h\"";
    return false;
  }
  out = static_cast<std::uint32_t>(*secs);
  return true;
}

Result<Listener> parse_listener(const toml::table& t, const std::string& origin) {
  Listener l;
  auto addr = t["address"].value<std::string>();
  if (!addr) return err(origin, "[[listener]] needs address = \"host:port\"");
  l.address = *addr;
  auto hp = split_host_port(*addr);
  if (!hp) return err(origin, "listener address: " + hp.error().message);
  l.host = hp->first;
  l.port = hp->second;
  std::string tls = t["tls"].value_or<std::string>("starttls");
  if (tls == "starttls") l.tls = TlsMode::StartTls;
  else if (tls == "implicit") l.tls = TlsMode::Implicit;
  else if (tls == "none") l.tls = TlsMode::None;
  else return err(origin, "listener tls must be \"starttls\", \"implicit\" or \"none\", not \"" + tls + "\"");
  l.proxy_protocol = t["proxy_protocol"].value_or(false);
  if (auto arr = t["trusted_proxies"].as_array())
    for (auto& e : *arr)
      if (auto s = e.value<std::string>()) l.trusted_proxies.push_back(*s);
  return l;
}

// The hostname is the SMTP greeting, the EHLO name and part of the Received: header; the SPF
// include host goes into DNS records: letters, digits, '.', '-' and '_' only, so that a
// config can never put a line break or a space into a reply or a header.
bool valid_host_name(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  for (char ch : name)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
          ch == '.' || ch == '-' || ch == '_'))
      return false;
  return true;
}

// A TOML basic string holding `text` (quotes, backslashes and control characters escaped).
std::string toml_string(const std::string& text) {
  std::string out = "\"";
  for (char ch : text) {
    auto u = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04X", u);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

}  // namespace

const char* to_string(TlsMode mode) {
  switch (mode) {
    case TlsMode::StartTls: return "starttls";
    case TlsMode::Implicit: return "implicit";
    case TlsMode::None: return "none";
  }
  return "?";
}

Result<std::pair<std::string, std::uint16_t>> split_host_port(const std::string& address) {
  std::string host, port;
  if (!address.empty() && address[0] == '[') {
    auto close = address.find(']');
    if (close == std::string::npos || close + 1 >= address.size() || address[close + 1] != ':')
      return Error{"\"" + address + "\" is not [ipv6]:port"};
    host = address.substr(1, close - 1);
    port = address.substr(close + 2);
  } else {
    auto colon = address.rfind(':');
    if (colon == std::string::npos || address.find(':') != colon)
      return Error{"\"" + address + "\" is not host:port (write IPv6 as [::1]:port)"};
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
  }
  unsigned p = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (host.empty() || port.empty() || ec != std::errc() || ptr != port.data() + port.size() ||
      p > 65535)
    return Error{"\"" + address + "\" has no valid port"};
  return std::make_pair(host, static_cast<std::uint16_t>(p));
}

Result<Config> parse_config(const std::string& text, const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << e.description() << " (line " << e.source().begin.line << ")";
    return err(origin, msg.str());
  }
  Config c;
  c.path = origin;
  c.hostname = root["hostname"].value_or<std::string>("localhost");
  c.data_dir = root["data_dir"].value_or<std::string>("var");
  c.store_url = root["store"]["url"].value_or<std::string>("sqlite:" + c.data_dir + "/postern.db");
  c.tls_cert = root["tls"]["cert"].value_or<std::string>(c.data_dir + "/tls/cert.pem");
  c.tls_key = root["tls"]["key"].value_or<std::string>(c.data_dir + "/tls/key.pem");
  c.http_address = root["http"]["address"].value_or<std::string>("127.0.0.1:8025");
  c.resolver = root["delivery"]["resolver"].value_or<std::string>("system");
  c.spf_include = root["policy"]["spf_include"].value_or<std::string>("_spf." + c.hostname);
  if (!valid_host_name(c.hostname))
    return err(origin, "hostname must be a host name such as relay.example.com (letters, digits, "
                       "'.', '-', '_'; at most 253 characters)");
  if (!valid_host_name(c.spf_include))
    return err(origin, "[policy] spf_include (default \"_spf.<hostname>\") must be a host name of "
                       "at most 253 characters");

  if (auto arr = root["listener"].as_array()) {
    for (auto& node : *arr) {
      auto* t = node.as_table();
      if (!t) return err(origin, "[[listener]] entries must be tables");
      auto l = parse_listener(*t, origin);
      if (!l) return l.error();
      c.listeners.push_back(std::move(l.value()));
    }
  }
  if (c.listeners.empty()) return err(origin, "at least one [[listener]] is needed");

  if (auto arr = root["delivery"]["route"].as_array()) {
    for (auto& node : *arr) {
      auto* t = node.as_table();
      if (!t) return err(origin, "[[delivery.route]] entries must be tables");
      Route r{(*t)["domain"].value_or<std::string>("*"), (*t)["to"].value_or<std::string>(""),
              (*t)["tls"].value_or<std::string>("opportunistic"),
              (*t)["auth_user"].value_or<std::string>(""),
              (*t)["auth_password"].value_or<std::string>("")};
      if (r.to.empty()) return err(origin, "[[delivery.route]] needs to = \"host:port\"");
      if (!split_host_port(r.to)) return err(origin, "[[delivery.route]] to must be host:port");
      if (r.tls != "none" && r.tls != "opportunistic" && r.tls != "required")
        return err(origin, "[[delivery.route]] tls must be \"none\", \"opportunistic\" or \"required\"");
      if (r.auth_user.empty() != r.auth_password.empty())
        return err(origin, "[[delivery.route]] needs both auth_user and auth_password, or neither");
      c.routes.push_back(std::move(r));
    }
  }

  std::string problem;
  if (auto* limits = root["limits"].as_table()) {
    if (!read_uint(*limits, "max_message_size", c.max_message_size, problem) ||
        !read_uint(*limits, "max_recipients", c.max_recipients, problem) ||
        !read_uint(*limits, "max_connections_per_ip", c.max_connections_per_ip, problem) ||
        !read_duration(*limits, "command_timeout", c.command_timeout_s, problem) ||
        !read_duration(*limits, "data_timeout", c.data_timeout_s, problem) ||
        !read_duration(*limits, "tls_handshake_timeout", c.tls_handshake_timeout_s, problem) ||
        !read_uint(*limits, "workers", c.workers, problem))
      return err(origin, "[limits] " + problem);
  }
  if (auto* delivery = root["delivery"].as_table()) {
    if (!read_uint(*delivery, "mx_port", c.mx_port, problem) ||
        !read_uint(*delivery, "max_connections_per_destination",
                   c.max_connections_per_destination, problem) ||
        !read_duration(*delivery, "idle_timeout", c.delivery_idle_timeout_s, problem) ||
        !read_duration(*delivery, "connect_timeout", c.connect_timeout_s, problem) ||
        !read_duration(*delivery, "dns_timeout", c.dns_timeout_s, problem) ||
        !read_duration(*delivery, "greeting_timeout", c.greeting_timeout_s, problem) ||
        !read_duration(*delivery, "command_timeout", c.smtp_command_timeout_s, problem) ||
        !read_duration(*delivery, "data_init_timeout", c.data_init_timeout_s, problem) ||
        !read_duration(*delivery, "data_block_timeout", c.data_block_timeout_s, problem) ||
        !read_duration(*delivery, "data_final_timeout", c.data_final_timeout_s, problem))
      return err(origin, "[delivery] " + problem);
    if (c.max_connections_per_destination < 1)
      return err(origin, "[delivery] max_connections_per_destination must be >= 1");
    if (!read_duration(*delivery, "max_queue_age", c.max_queue_age_s, problem) ||
        !read_uint(*delivery, "max_deliveries_in_flight", c.max_deliveries_in_flight, problem))
      return err(origin, "[delivery] " + problem);
    if (auto* schedule = (*delivery)["retry_schedule"].as_array()) {
      c.retry_schedule_s.clear();
      for (auto& step : *schedule) {
        std::optional<std::int64_t> secs;
        if (auto text = step.value<std::string>()) secs = parse_duration_seconds(*text);
        else if (auto n = step.value<std::int64_t>()) secs = *n;
        if (!secs || *secs < 1 || *secs > 30LL * 86400)
          return err(origin, "[delivery] retry_schedule entries must be durations like \"5m\" (1 s to 30 d)");
        c.retry_schedule_s.push_back(static_cast<std::uint32_t>(*secs));
      }
      if (c.retry_schedule_s.empty()) return err(origin, "[delivery] retry_schedule must not be empty");
    }
  }
  if (auto* webhooks = root["webhooks"].as_table()) {
    if (!read_duration(*webhooks, "timeout", c.webhook_timeout_s, problem))
      return err(origin, "[webhooks] " + problem);
    if (c.webhook_timeout_s < 1 || c.webhook_timeout_s > 300)
      return err(origin, "[webhooks] timeout must be between 1s and 5m");
    if (auto* schedule = (*webhooks)["retry_schedule"].as_array()) {
      c.webhook_retry_schedule_s.clear();
      for (auto& step : *schedule) {
        std::optional<std::int64_t> secs;
        if (auto text = step.value<std::string>()) secs = parse_duration_seconds(*text);
        else if (auto n = step.value<std::int64_t>()) secs = *n;
        if (!secs || *secs < 1 || *secs > 7LL * 86400)
          return err(origin, "[webhooks] retry_schedule entries must be durations like \"2m\" (1 s to 7 d)");
        c.webhook_retry_schedule_s.push_back(static_cast<std::uint32_t>(*secs));
      }
      if (c.webhook_retry_schedule_s.size() > 20)
        return err(origin, "[webhooks] retry_schedule has at most 20 steps");
    } else if ((*webhooks)["retry_schedule"]) {
      return err(origin, "[webhooks] retry_schedule must be an array of durations");
    }
  }
  if (auto* auth = root["auth"].as_table()) {
    if (!read_uint(*auth, "max_failures_per_ip", c.auth_max_failures_per_ip, problem) ||
        !read_duration(*auth, "failure_window", c.auth_failure_window_s, problem))
      return err(origin, "[auth] " + problem);
  }
  if (c.max_message_size < 1024) return err(origin, "[limits] max_message_size must be >= 1024");
  if (c.max_recipients < 1) return err(origin, "[limits] max_recipients must be >= 1");
  return c;
}

Result<Config> load_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{"cannot read config file " + path + " (run `postern init` to create one)"};
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_config(ss.str(), path);
}

std::string default_config_text(const std::string& data_dir) {
  const std::string& d = data_dir;
  return "# Postern configuration (see docs/configuration.md).\n"
         "hostname = \"localhost\"\n"
         "data_dir = " + toml_string(d) + "\n\n"
         "[store]\n"
         "url = " + toml_string("sqlite:" + d + "/postern.db") + "\n\n"
         "# Loopback only by default; use 0.0.0.0 / [::] to accept clients from the network.\n"
         "[[listener]]\naddress = \"127.0.0.1:587\"\ntls = \"starttls\"\n\n"
         "[[listener]]\naddress = \"127.0.0.1:465\"\ntls = \"implicit\"\n\n"
         "[[listener]]\naddress = \"127.0.0.1:2525\"\ntls = \"starttls\"\n\n"
         "[tls]\n"
         "# Absent files are replaced by a generated self-signed pair (a warning is logged).\n"
         "cert = " + toml_string(d + "/tls/cert.pem") + "\n"
         "key = " + toml_string(d + "/tls/key.pem") + "\n\n"
         "[http]\naddress = \"127.0.0.1:8025\"\n\n"
         "[limits]\nmax_message_size = 26214400\nmax_recipients = 100\n"
         "max_connections_per_ip = 100\n\n"
         "[auth]\nmax_failures_per_ip = 30\nfailure_window = \"10m\"\n";
}

}  // namespace postern::config
