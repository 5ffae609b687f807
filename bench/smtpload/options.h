// smtpload's command line: what load to offer and how to connect. Parsed once in main() and
// then shared read-only by every worker thread.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace postern::bench {

enum class TlsMode { None, StartTls, Implicit };
enum class AuthMechanism { None, Plain, Login };

struct Credentials {
  std::string user;
  std::string password;
};

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 587;
  int connections = 10;         // concurrent sessions (closed loop)
  std::int64_t messages = 100;  // total messages to send
  int per_conn = 0;             // messages per session; 0 = as many as the session can claim
  std::size_t size = 4096;      // bytes per message, headers included
  int rcpts = 1;
  TlsMode tls = TlsMode::None;
  AuthMechanism auth = AuthMechanism::None;
  std::vector<Credentials> users;  // round-robin over sessions
  bool pipelining = false;
  int threads = 1;
  std::string ehlo = "smtpload.test";
  std::string from = "bench@example.com";
  std::string to_domain = "example.net";
  bool tls_resumption = false;  // off by default: PHP and Java clients do a full handshake
  double step_timeout_s = 30;   // per SMTP step (connect, handshake, each reply)
  double max_time_s = 600;      // the whole run; unfinished work counts as failed
  int idle = 0;                 // idle mode: open this many sessions and hold them
  double hold_s = 10;
  bool quiet = false;
  std::string source;           // local address to bind before connecting ("" = any)
  double rate = 0;              // open loop: sessions started per second (0 = closed loop)
  double duration_s = 0;        // stop offering work after this long (0 = until --messages)
  bool messages_given = false;  // --messages was on the command line
  bool expect_auth_fail = false;  // AUTH-only sessions; 535/454/421 are the expected outcome
};

// Returns the options, or prints the reason (or the usage) and returns nothing.
std::optional<Options> parse_options(int argc, char** argv);

}  // namespace postern::bench
