#include "smtpload/options.h"

#include <charconv>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <string_view>

namespace postern::bench {
namespace {

constexpr const char* kUsage = R"(usage: smtpload [options]
  --host H              server address (default 127.0.0.1)
  --port P              server port (default 587)
  --connections N       concurrent sessions, closed loop (default 10)
  --messages N          total messages (default 100)
  --per-conn N          messages per session; 1 = a new connection per message
                        (default: a session sends until the total is reached)
  --size BYTES          message size, headers included (default 4096)
  --rcpts N             recipients per message (default 1)
  --starttls | --tls    STARTTLS after EHLO, or TLS from the first byte
  --auth PLAIN|LOGIN    authenticate with --user/--password or --users-file
  --user U --password P
  --users-file F        one user:password per line, used round-robin per session
  --pipelining          batch MAIL/RCPT/DATA when the server advertises PIPELINING
  --threads N           event-loop threads (default 1)
  --ehlo NAME  --from ADDR  --to-domain DOMAIN
  --tls-resumption      reuse TLS sessions (default: full handshake each time)
  --no-tls-resumption   the default, accepted for clarity
  --timeout S           per-step timeout in seconds (default 30)
  --max-time S          bound on the whole run (default 600)
  --idle N --hold S     open N authenticated sessions, hold them idle S seconds,
                        then check each with NOOP; --connections bounds the set-up concurrency
  --source ADDR         bind each connection to this local address (e.g. 127.0.0.2)
  --rate N              open loop: start N sessions per second whatever the completions,
                        at most --connections in flight (default: closed loop)
  --duration S          stop starting work after S seconds (with --rate, or to bound a
                        closed loop); --messages is then unlimited unless given
  --expect-auth-fail    AUTH-only sessions with a wrong password: 535 and the throttle
                        replies 454/421 are the expected outcome; --messages and --per-conn
                        count AUTH attempts instead of messages
  --quiet               only the JSON line
The last line printed is one JSON object with the results.
)";

template <typename T>
bool parse_number(std::string_view text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool parse_seconds(std::string_view text, double& out) {
  try {
    std::size_t used = 0;
    out = std::stod(std::string(text), &used);
    return used == text.size() && out >= 0;
  } catch (...) {
    return false;
  }
}

bool read_users_file(const std::string& path, std::vector<Credentials>& users) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (line.empty() || line[0] == '#' || colon == std::string::npos) continue;
    users.push_back({line.substr(0, colon), line.substr(colon + 1)});
  }
  return !users.empty();
}

}  // namespace

std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  std::string user, password, users_file;
  using Setter = std::function<bool(std::string_view)>;
  const std::map<std::string_view, Setter> with_value = {
      {"--host", [&](auto v) { o.host = v; return !v.empty(); }},
      {"--port", [&](auto v) { return parse_number(v, o.port); }},
      {"--connections", [&](auto v) { return parse_number(v, o.connections) && o.connections > 0; }},
      {"--messages",
       [&](auto v) {
         o.messages_given = true;
         return parse_number(v, o.messages) && o.messages >= 0;
       }},
      {"--per-conn", [&](auto v) { return parse_number(v, o.per_conn) && o.per_conn >= 0; }},
      {"--size", [&](auto v) { return parse_number(v, o.size); }},
      {"--rcpts", [&](auto v) { return parse_number(v, o.rcpts) && o.rcpts > 0; }},
      {"--auth",
       [&](auto v) {
         if (v == "PLAIN" || v == "plain") o.auth = AuthMechanism::Plain;
         else if (v == "LOGIN" || v == "login") o.auth = AuthMechanism::Login;
         else return false;
         return true;
       }},
      {"--user", [&](auto v) { user = v; return true; }},
      {"--password", [&](auto v) { password = v; return true; }},
      {"--users-file", [&](auto v) { users_file = v; return true; }},
      {"--threads", [&](auto v) { return parse_number(v, o.threads) && o.threads > 0; }},
      {"--ehlo", [&](auto v) { o.ehlo = v; return !v.empty(); }},
      {"--from", [&](auto v) { o.from = v; return true; }},
      {"--to-domain", [&](auto v) { o.to_domain = v; return !v.empty(); }},
      {"--timeout", [&](auto v) { return parse_seconds(v, o.step_timeout_s) && o.step_timeout_s > 0; }},
      {"--max-time", [&](auto v) { return parse_seconds(v, o.max_time_s) && o.max_time_s > 0; }},
      {"--idle", [&](auto v) { return parse_number(v, o.idle) && o.idle >= 0; }},
      {"--hold", [&](auto v) { return parse_seconds(v, o.hold_s); }},
      {"--source", [&](auto v) { o.source = v; return !v.empty(); }},
      {"--rate", [&](auto v) { return parse_seconds(v, o.rate) && o.rate > 0; }},
      {"--duration", [&](auto v) { return parse_seconds(v, o.duration_s) && o.duration_s > 0; }},
  };
  const std::map<std::string_view, std::function<void()>> flags = {
      {"--starttls", [&] { o.tls = TlsMode::StartTls; }},
      {"--tls", [&] { o.tls = TlsMode::Implicit; }},
      {"--pipelining", [&] { o.pipelining = true; }},
      {"--tls-resumption", [&] { o.tls_resumption = true; }},
      {"--no-tls-resumption", [&] { o.tls_resumption = false; }},
      {"--quiet", [&] { o.quiet = true; }},
      {"--expect-auth-fail", [&] { o.expect_auth_fail = true; }},
  };
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return std::nullopt;
    }
    if (auto f = flags.find(arg); f != flags.end()) {
      f->second();
      continue;
    }
    auto s = with_value.find(arg);
    if (s == with_value.end() || i + 1 >= argc) {
      std::fprintf(stderr, "smtpload: %s %.*s\n%s",
                   s == with_value.end() ? "unknown option" : "missing value for",
                   static_cast<int>(arg.size()), arg.data(), kUsage);
      return std::nullopt;
    }
    if (!s->second(argv[++i])) {
      std::fprintf(stderr, "smtpload: invalid value for %s: %s\n", argv[i - 1], argv[i]);
      return std::nullopt;
    }
  }
  if (!users_file.empty() && !read_users_file(users_file, o.users)) {
    std::fprintf(stderr, "smtpload: no user:password lines in %s\n", users_file.c_str());
    return std::nullopt;
  }
  if (!user.empty()) o.users.push_back({user, password});
  if (o.auth != AuthMechanism::None && o.users.empty()) {
    std::fprintf(stderr, "smtpload: --auth needs --user/--password or --users-file\n");
    return std::nullopt;
  }
  if (o.expect_auth_fail && o.auth == AuthMechanism::None) {
    std::fprintf(stderr, "smtpload: --expect-auth-fail needs --auth\n");
    return std::nullopt;
  }
  if (o.idle && (o.rate > 0 || o.expect_auth_fail || o.duration_s > 0)) {
    std::fprintf(stderr, "smtpload: --idle does not combine with --rate, --duration or --expect-auth-fail\n");
    return std::nullopt;
  }
  // With a duration and no --messages, the duration alone bounds the run.
  if (o.duration_s > 0 && !o.messages_given) o.messages = std::int64_t{1} << 60;
  return o;
}

}  // namespace postern::bench
