#include "smtpload/load.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <cstdio>
#include <ctime>
#include <mutex>
#include <stdexcept>
#include <unistd.h>

namespace postern::bench {
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// A reply that is not what the protocol step expects; the message says which step.
struct StepFailed : std::runtime_error {
  StepFailed(int reply_code, const std::string& what) : std::runtime_error(what), code(reply_code) {}
  explicit StepFailed(const std::string& what) : StepFailed(0, what) {}
  int code;  // the reply code that was not expected (0: not a reply)
};

// The reply's first line, without a trailing "(ref ...)"-style token, so that errors which
// differ only by a per-reply reference are counted together.
std::string first_line(const Reply& r) {
  if (r.code == 0) return "malformed reply";
  std::string line = r.text.substr(0, r.text.find("\r\n"));
  auto open = line.rfind(" (");
  if (!line.empty() && line.back() == ')' && open != std::string::npos) line.resize(open);
  return line;
}

void expect(const Reply& r, int code, const char* step) {
  if (r.code != code) throw StepFailed(r.code, std::string(step) + ": " + first_line(r));
}

std::string base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// TLS session resumption (only with --tls-resumption): the newest session any connection
// received is offered by the next one, as a client library with a session cache would do.
std::mutex resumption_mutex;
SSL_SESSION* resumption_session = nullptr;

int remember_session(SSL*, SSL_SESSION* session) {
  std::lock_guard lock(resumption_mutex);
  if (resumption_session) SSL_SESSION_free(resumption_session);
  resumption_session = session;
  return 1;  // we keep the reference
}

void offer_saved_session(SSL* ssl) {
  std::lock_guard lock(resumption_mutex);
  if (resumption_session) SSL_set_session(ssl, resumption_session);
}

std::string rfc5322_date() {
  char buf[64];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

// Printable lines that never start with '.', so no dot-stuffing is needed.
std::string make_body(std::size_t size) {
  static constexpr std::string_view kLine =
      "The quick brown fox jumps over the lazy dog; smtpload body line 0123456789\r\n";
  std::string body;
  body.reserve(size + kLine.size());
  while (body.size() + kLine.size() <= size) body += kLine;
  if (size > body.size() + 2) body.append(size - body.size() - 2, 'x') += "\r\n";
  if (body.empty()) body = "x\r\n";
  return body;
}

}  // namespace

Load::Load(const Options& options, asio::ip::tcp::endpoint server,
           std::optional<asio::ip::address> source)
    : options_(options),
      server_(server),
      source_(source),
      tls_(asio::ssl::context::tls_client),
      date_(rfc5322_date()) {
  tls_.set_verify_mode(asio::ssl::verify_none);  // benchmarks run against self-signed certs
  SSL_CTX_set_min_proto_version(tls_.native_handle(), TLS1_2_VERSION);
  if (options_.tls_resumption) {
    SSL_CTX_set_session_cache_mode(tls_.native_handle(),
                                   SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(tls_.native_handle(), remember_session);
  } else {
    SSL_CTX_set_session_cache_mode(tls_.native_handle(), SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(tls_.native_handle(), SSL_OP_NO_TICKET);
  }
  envelope_ = "MAIL FROM:<" + options_.from + ">\r\n";
  for (int i = 0; i < options_.rcpts; ++i)
    envelope_ += "RCPT TO:<rcpt" + std::to_string(i) + "@" + options_.to_domain + ">\r\n";
  std::size_t header_size = headers(0).size() + 8;  // the message number grows a little
  body_ = make_body(options_.size > header_size ? options_.size - header_size : 0);
}

std::string Load::headers(std::int64_t number) const {
  std::string n = std::to_string(number);
  return "From: <" + options_.from + ">\r\nTo: <rcpt0@" + options_.to_domain +
         ">\r\nSubject: smtpload message " + n + "\r\nDate: " + date_ + "\r\nMessage-ID: <" + n +
         "." + std::to_string(::getpid()) + "@smtpload.test>\r\nMIME-Version: 1.0\r\n"
         "Content-Type: text/plain; charset=us-ascii\r\n\r\n";
}

void Load::begin() {
  start_ = Clock::now();
  end_ = start_ + std::chrono::duration_cast<Clock::duration>(
                      std::chrono::duration<double>(options_.duration_s));
}

bool Load::past_duration() const { return options_.duration_s > 0 && Clock::now() >= end_; }

std::int64_t Load::claim_message(std::int64_t& share) {
  if (share <= 0 || past_duration()) return -1;
  std::int64_t n = claimed_.load();
  do {
    if (n >= options_.messages) return -1;
  } while (!claimed_.compare_exchange_weak(n, n + 1));
  --share;
  return n;
}

asio::awaitable<Reply> Load::auth_exchange(Connection& c) {
  const auto& who = options_.users[next_user_.fetch_add(1) % options_.users.size()];
  if (options_.auth == AuthMechanism::Plain) {
    std::string token = base64(std::string("\0", 1) + who.user + '\0' + who.password);
    co_return co_await c.command("AUTH PLAIN " + token + "\r\n");
  }
  Reply r = co_await c.command("AUTH LOGIN\r\n");
  if (r.code != 334) co_return r;
  r = co_await c.command(base64(who.user) + "\r\n");
  if (r.code != 334) co_return r;
  co_return co_await c.command(base64(who.password) + "\r\n");
}

// AUTH latency: from sending AUTH to its 235 (both LOGIN steps included).
asio::awaitable<void> Load::authenticate(Connection& c, const char*& step, Stats& stats) {
  step = "AUTH";
  auto start = Clock::now();
  Reply r = co_await auth_exchange(c);
  expect(r, 235, step);
  stats.auth_ms.push_back(ms_since(start));
}

asio::awaitable<bool> Load::fail_auth(Session& s, std::int64_t& share, Stats& stats) {
  Connection& c = *s.connection;
  for (int sent = 0;;) {
    ++stats.auth_attempts;
    auto start = Clock::now();
    if (options_.duration_s <= 0 || start < end_) ++auth_in_window_;
    Reply r = co_await auth_exchange(c);
    stats.auth_ms.push_back(ms_since(start));
    ++stats.auth_replies[r.code ? std::to_string(r.code) : std::string("malformed")];
    if (r.code == 535 || r.code == 454 || r.code == 421) {
      ++stats.auth_expected;
    } else {
      ++stats.failed;
      stats.error("AUTH (a failure was expected): " + first_line(r));
    }
    if (r.code == 421) co_return false;  // the server closes the session
    if (r.code == 0 || r.code == 235) co_return true;  // broken, or (wrongly) authenticated
    ++sent;
    if (options_.per_conn > 0 && sent >= options_.per_conn) co_return true;
    if (claim_message(share) < 0) co_return true;
  }
}

asio::awaitable<Load::Session> Load::open_session(Stats& stats) {
  auto executor = co_await asio::this_coro::executor;
  auto timeout = std::chrono::milliseconds(static_cast<long>(options_.step_timeout_s * 1000));
  auto c = std::make_shared<Connection>(executor, tls_, timeout);
  auto start = Clock::now();
  const char* step = "connect";
  std::string failure;
  try {
    co_await c->connect(server_, source_ ? &*source_ : nullptr);
    if (options_.tls == TlsMode::Implicit) {
      step = "TLS handshake";
      if (options_.tls_resumption) offer_saved_session(c->ssl());
      co_await c->handshake();
    }
    step = "greeting";
    c->step();
    expect(co_await c->read_reply(), 220, step);
    step = "EHLO";
    std::string ehlo = "EHLO " + options_.ehlo + "\r\n";
    Reply caps = co_await c->command(ehlo);
    expect(caps, 250, step);
    if (options_.tls == TlsMode::StartTls) {
      step = "STARTTLS";
      expect(co_await c->command("STARTTLS\r\n"), 220, step);
      step = "TLS handshake";
      if (options_.tls_resumption) offer_saved_session(c->ssl());
      co_await c->handshake();
      step = "EHLO after STARTTLS";
      caps = co_await c->command(ehlo);
      expect(caps, 250, step);
    }
    if (options_.auth != AuthMechanism::None && !options_.expect_auth_fail)
      co_await authenticate(*c, step, stats);
    stats.setup_ms.push_back(ms_since(start));
    ++stats.sessions;
    co_return Session{c, options_.pipelining && caps.has_keyword("PIPELINING")};
  } catch (const StepFailed& e) {
    if (options_.expect_auth_fail && e.code == 421) {  // a throttle refused the session
      ++stats.auth_replies[std::string(step) + " 421"];
      ++stats.auth_expected;
      c->close();
      Session refused;
      refused.throttled = true;
      co_return refused;
    }
    failure = e.what();
  } catch (const std::exception& e) {
    failure = std::string(step) + ": " + (c->timed_out() ? "timeout" : e.what());
  }
  ++stats.sessions_failed;
  stats.error(failure);
  c->close();
  co_return Session{};
}

// RFC 2920: with PIPELINING, MAIL, every RCPT and DATA go in one write and the replies are
// read afterwards; DATA is the last command of the group because it waits for 354.
asio::awaitable<void> Load::send_message(Session& s, std::int64_t number, Stats& stats) {
  Connection& c = *s.connection;
  auto start = Clock::now();
  std::string refused;
  c.step();
  if (s.pipelining) {
    co_await c.write(envelope_ + "DATA\r\n");
    for (int i = 0; i < options_.rcpts + 1; ++i) {
      Reply r = co_await c.read_reply();
      if (r.code != 250 && refused.empty()) refused = (i == 0 ? "MAIL: " : "RCPT: ") + first_line(r);
    }
  } else {
    std::string_view rest = envelope_;
    while (!rest.empty() && refused.empty()) {
      auto end = rest.find("\r\n") + 2;
      Reply r = co_await c.command(rest.substr(0, end));
      if (r.code != 250) refused = (rest.starts_with("MAIL") ? "MAIL: " : "RCPT: ") + first_line(r);
      rest.remove_prefix(end);
    }
  }
  Reply data;
  // No co_await inside ?: here: GCC 12 miscompiles co_await in conditional operands.
  if (s.pipelining) {
    data = co_await c.read_reply();
  } else if (refused.empty()) {
    data = co_await c.command("DATA\r\n");
  }
  if (data.code == 354) {
    std::string head = headers(number);
    static constexpr std::string_view kEnd = ".\r\n";
    std::vector<asio::const_buffer> buffers{asio::buffer(head), asio::buffer(body_), asio::buffer(kEnd)};
    c.step();
    co_await c.write(buffers);
    Reply final_reply = co_await c.read_reply();
    if (final_reply.code != 250 && refused.empty()) refused = "end of DATA: " + first_line(final_reply);
  } else if (refused.empty()) {
    refused = "DATA: " + first_line(data);
  }
  if (refused.empty()) {
    ++stats.accepted;
    stats.message_ms.push_back(ms_since(start));
    co_return;
  }
  ++stats.failed;
  stats.error(refused);
  if (data.code == 354) co_return;  // the transaction ended with the final reply
  Reply r = co_await c.command("RSET\r\n");
  if (r.code != 250) throw StepFailed("RSET: " + first_line(r));
}

asio::awaitable<void> Load::quit(Connection& c) {
  try {
    co_await c.command("QUIT\r\n");  // the reply does not change the result
  } catch (const std::exception&) {
  }
  c.close();
}

asio::awaitable<bool> Load::run_session(std::int64_t& share, Stats& stats) {
  std::int64_t number = claim_message(share);
  if (number < 0) co_return false;
  Session s = co_await open_session(stats);
  if (!s.connection) {
    if (!s.throttled) ++stats.failed;  // the claimed unit could not be offered
    co_return true;
  }
  bool open = true;
  try {
    if (options_.expect_auth_fail) {
      open = co_await fail_auth(s, share, stats);
    } else {
      for (int sent = 0;;) {
        co_await send_message(s, number, stats);
        ++sent;
        if (options_.per_conn > 0 && sent >= options_.per_conn) break;
        if ((number = claim_message(share)) < 0) break;
      }
    }
  } catch (const std::exception& e) {
    ++stats.failed;
    stats.error(std::string(options_.expect_auth_fail ? "AUTH: " : "transaction: ") +
                (s.connection->timed_out() ? "timeout" : e.what()));
    s.connection->close();
    co_return true;
  }
  if (open) {
    co_await quit(*s.connection);
  } else {
    s.connection->close();
  }
  co_return true;
}

asio::awaitable<void> Load::run_sender(std::int64_t share, Stats& stats) {
  for (;;) {
    bool more = co_await run_session(share, stats);
    if (!more) break;
  }
}

asio::awaitable<void> Load::run_launched(std::shared_ptr<int> in_flight, Stats& stats) {
  std::int64_t share = options_.per_conn > 0 ? options_.per_conn : 1;
  try {
    co_await run_session(share, stats);
  } catch (const std::exception& e) {
    stats.error(std::string("session: ") + e.what());
  }
  --*in_flight;
}

asio::awaitable<void> Load::run_launcher(double rate, int max_in_flight, Stats& stats) {
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor);
  auto in_flight = std::make_shared<int>(0);  // this thread's sessions; one loop, no lock
  const std::chrono::duration<double> interval(1.0 / rate);
  for (std::int64_t launched = 0;;) {
    if (past_duration() || claimed_.load() >= options_.messages) break;
    auto now = Clock::now();
    auto due = start_ + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(launched));
    if (now >= due && *in_flight < max_in_flight) {
      if (now - due > 100ms) ++stats.launches_late;
      ++launched;
      ++*in_flight;
      ++stats.sessions_started;
      asio::co_spawn(executor, run_launched(in_flight, stats), asio::detached);
      continue;
    }
    timer.expires_at(now >= due ? now + 2ms : due);  // all in flight: look again soon
    co_await timer.async_wait(asio::use_awaitable);
  }
  std::int64_t ran = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start_).count();
  for (std::int64_t seen = launch_ns_.load(); ran > seen && !launch_ns_.compare_exchange_weak(seen, ran);) {
  }
}

void Load::idle_attempt_done() {
  if (idle_finished_.fetch_add(1) + 1 != options_.idle) return;
  auto hold = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options_.hold_s));
  release_at_ns_ = (Clock::now() + hold).time_since_epoch().count();
  if (!options_.quiet)
    std::printf("holding %d idle sessions for %.0f s\n", idle_established_.load(), options_.hold_s);
  std::fflush(stdout);
}

asio::awaitable<void> Load::run_idle_opener(Stats& stats) {
  while (idle_started_.fetch_add(1) < options_.idle) {
    Session s = co_await open_session(stats);
    if (s.connection) {
      ++idle_established_;
      int open = ++idle_open_;
      for (int peak = idle_peak_.load(); open > peak && !idle_peak_.compare_exchange_weak(peak, open);) {
      }
      asio::co_spawn(co_await asio::this_coro::executor, hold_idle(std::move(s), stats), asio::detached);
    }
    idle_attempt_done();
  }
}

// Sits idle (no bytes sent) until the common release time, then proves the session is still
// alive with NOOP.
asio::awaitable<void> Load::hold_idle(Session s, Stats& stats) {
  asio::steady_timer tick(co_await asio::this_coro::executor);
  Connection& c = *s.connection;
  for (;;) {
    c.step(std::chrono::milliseconds(static_cast<long>(options_.step_timeout_s * 1000)) + 1s);
    tick.expires_after(1s);
    co_await tick.async_wait(asio::use_awaitable);
    auto release = release_at_ns_.load();
    if (release != 0 && Clock::now().time_since_epoch().count() >= release) break;
  }
  try {
    Reply r = co_await c.command("NOOP\r\n");
    if (r.code == 250) ++stats.idle_alive;
    else stats.error("NOOP after hold: " + first_line(r));
  } catch (const std::exception& e) {
    stats.error(std::string("NOOP after hold: ") + (c.timed_out() ? "timeout" : e.what()));
  }
  --idle_open_;
  co_await quit(c);
}

}  // namespace postern::bench
