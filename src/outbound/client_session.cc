#include "outbound/client_session.h"

namespace postern::outbound {
namespace asio = boost::asio;
using asio::awaitable;

Timeouts timeouts_from(const config::Config& c) {
  using S = std::chrono::seconds;
  return Timeouts{S(c.connect_timeout_s),  S(c.tls_handshake_timeout_s), S(c.greeting_timeout_s),
                  S(c.smtp_command_timeout_s), S(c.data_init_timeout_s), S(c.data_block_timeout_s),
                  S(c.data_final_timeout_s)};
}

namespace {

HostFailure local_failure(const std::string& text, bool tls_failed = false) {
  return HostFailure{Outcome::Transient, text, tls_failed};
}

HostFailure remote_failure(const smtp::Reply& reply) {
  // A positive reply where another was expected is a protocol problem: try again later.
  Outcome outcome = reply.code >= 500 ? Outcome::Permanent : Outcome::Transient;
  return HostFailure{outcome, reply_summary(reply)};
}

// Sends one command and reads its reply.
awaitable<Result<smtp::Reply>> command(Connection& c, const std::string& line,
                                       std::chrono::seconds limit) {
  if (auto w = co_await c.write(line, limit); !w) co_return w.error();
  co_return co_await c.read_reply(limit);
}

awaitable<std::optional<HostFailure>> hello(Connection& c, const SessionSettings& s) {
  auto ehlo = co_await command(c, "EHLO " + s.helo_name + "\r\n", s.timeouts.command);
  if (!ehlo) co_return local_failure("451 4.4.2 " + ehlo.error().message);
  if (ehlo->code == 250) {
    c.caps = parse_ehlo(*ehlo);
    co_return std::nullopt;
  }
  if (ehlo->code < 500) co_return remote_failure(*ehlo);
  // RFC 5321 §3.2: a server that does not know EHLO gets HELO.
  auto helo = co_await command(c, "HELO " + s.helo_name + "\r\n", s.timeouts.command);
  if (!helo) co_return local_failure("451 4.4.2 " + helo.error().message);
  if (helo->code != 250) co_return remote_failure(*helo);
  c.caps = Capabilities{};
  co_return std::nullopt;
}

awaitable<std::optional<HostFailure>> upgrade(Connection& c, const SessionSettings& s) {
  bool want = s.tls != TlsPolicy::None && s.try_tls;
  if (!want || !c.caps.starttls) {
    if (s.tls == TlsPolicy::Required)
      co_return local_failure("451 4.7.5 TLS required but not offered by " + s.server_name);
    co_return std::nullopt;
  }
  auto reply = co_await command(c, "STARTTLS\r\n", s.timeouts.command);
  if (!reply) co_return local_failure("451 4.4.2 " + reply.error().message);
  if (reply->code != 220) {
    if (s.tls == TlsPolicy::Required)
      co_return local_failure("451 4.7.5 TLS required but STARTTLS refused by " + s.server_name +
                              ": " + reply_summary(*reply));
    co_return std::nullopt;  // opportunistic: carry on in plain text
  }
  // Plain text after the 220 (received before the handshake) is injected (CVE-2011-0411,
  // seen from the client): never parse it, and do not go on with this server. Defer, without
  // the plain-text retry of a failed handshake: this is a protocol error, not a TLS failure.
  if (c.pending_input() > 0) {
    c.close();
    co_return local_failure("451 4.5.0 protocol error: " + s.server_name +
                            " sent data after its 220 reply to STARTTLS");
  }
  if (auto hs = co_await c.start_tls(s.server_name, s.timeouts.tls_handshake); !hs)
    co_return local_failure("451 4.7.5 TLS failed: " + hs.error().message, true);
  // RFC 3207 §4.2: forget what was learnt before TLS and ask again.
  co_return co_await hello(c, s);
}

awaitable<std::optional<HostFailure>> authenticate(Connection& c, const SessionSettings& s) {
  if (!s.auth || s.auth->auth_user.empty()) co_return std::nullopt;
  // Credentials travel only inside TLS, unless the route says tls = "none" explicitly.
  if (!c.tls_active() && s.tls != TlsPolicy::None)
    co_return local_failure("451 4.7.0 not sending credentials to " + s.server_name +
                            " without TLS");
  if (!c.caps.auth_plain)
    co_return local_failure("451 4.7.0 " + s.server_name + " does not offer AUTH PLAIN");
  auto reply = co_await command(c, auth_plain_command(s.auth->auth_user, s.auth->auth_password),
                                s.timeouts.command);
  if (!reply) co_return local_failure("451 4.4.2 " + reply.error().message);
  // A refused login is a configuration problem on our side: defer, never bounce.
  if (reply->code != 235) co_return HostFailure{Outcome::Transient, reply_summary(*reply)};
  co_return std::nullopt;
}

}  // namespace

awaitable<std::optional<HostFailure>> open_session(Connection& c, const SessionSettings& s) {
  auto greeting = co_await c.read_reply(s.timeouts.greeting);
  if (!greeting) co_return local_failure("451 4.4.2 no greeting: " + greeting.error().message);
  if (greeting->code != 220) co_return remote_failure(*greeting);
  if (auto f = co_await hello(c, s)) co_return f;
  if (auto f = co_await upgrade(c, s)) co_return f;
  co_return co_await authenticate(c, s);
}

awaitable<bool> reset_session(Connection& c, const Timeouts& timeouts) {
  auto reply = co_await command(c, "RSET\r\n", timeouts.command);
  co_return reply.ok() && reply->code == 250;
}

awaitable<void> quit_session(Connection& c) {
  if (c.usable()) (void)co_await c.write("QUIT\r\n", std::chrono::seconds(5));
  c.close();
}

}  // namespace postern::outbound
