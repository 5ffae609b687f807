// The offered load: what every session shares (options, server address, TLS context, the
// message bytes, the counters that hand out work) and the coroutines that drive sessions.
// Load is shared by all worker threads: its mutable parts are atomics; each thread passes its
// own Stats, so the hot path takes no lock.
#pragma once
#include "smtpload/connection.h"
#include "smtpload/options.h"
#include "smtpload/stats.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace postern::bench {

class Load {
 public:
  // `source`: the local address every connection binds to (--source), or none.
  Load(const Options& options, boost::asio::ip::tcp::endpoint server,
       std::optional<boost::asio::ip::address> source = std::nullopt);

  // The run starts now: --duration counts from here. Call once, before the loops run.
  void begin();

  // Closed loop for one of the --connections: open a session, send up to --per-conn
  // messages (--expect-auth-fail: AUTH attempts), QUIT, repeat until this connection's share
  // has been offered. Fixed shares make "20 connections x 50 messages" exactly 20 sessions.
  boost::asio::awaitable<void> run_sender(std::int64_t share, Stats& stats);
  // Open loop (--rate), one per thread: starts `rate` sessions per second on this thread's
  // loop whatever the completions, at most `max_in_flight` at once (a launch that finds them
  // all busy waits for a free one and counts as late), until --duration or --messages.
  boost::asio::awaitable<void> run_launcher(double rate, int max_in_flight, Stats& stats);
  // Idle mode: open sessions until --idle have been tried; each established one is held by
  // its own coroutine until every session is set up and --hold seconds have passed.
  boost::asio::awaitable<void> run_idle_opener(Stats& stats);

  const Options& options() const { return options_; }
  std::int64_t claimed() const { return claimed_.load(); }
  int idle_peak() const { return idle_peak_.load(); }
  int idle_established() const { return idle_established_.load(); }
  // Seconds from begin() until the last open-loop launcher stopped (0 without --rate).
  double launch_s() const { return static_cast<double>(launch_ns_.load()) / 1e9; }
  // --expect-auth-fail: AUTH attempts started within --duration.
  std::int64_t auth_in_window() const { return auth_in_window_.load(); }

 private:
  struct Session {
    std::shared_ptr<Connection> connection;
    bool pipelining = false;
    bool throttled = false;  // --expect-auth-fail: refused with 421 before AUTH (counted)
  };

  // Takes one unit (a message, or an AUTH attempt) from `share` and from the run's total:
  // its number for the Message-ID, or -1 when none is left or --duration has passed.
  std::int64_t claim_message(std::int64_t& share);
  bool past_duration() const;
  // One session: claims its first unit, connects, sends (or fails AUTH), QUITs. Returns
  // false when no unit was left to claim.
  boost::asio::awaitable<bool> run_session(std::int64_t& share, Stats& stats);
  boost::asio::awaitable<void> run_launched(std::shared_ptr<int> in_flight, Stats& stats);
  boost::asio::awaitable<Session> open_session(Stats& stats);
  // One AUTH exchange (PLAIN, or the LOGIN steps) for the next user; the reply that ended it.
  boost::asio::awaitable<Reply> auth_exchange(Connection& c);
  boost::asio::awaitable<void> authenticate(Connection& c, const char*& step, Stats& stats);
  // --expect-auth-fail: AUTH attempts on an open session until --per-conn, the share, a 421
  // or a success. Returns whether the session is still open (worth a QUIT).
  boost::asio::awaitable<bool> fail_auth(Session& s, std::int64_t& share, Stats& stats);
  // Sends one message; a refused message is counted and the transaction reset. Throws when
  // the connection is no longer usable.
  boost::asio::awaitable<void> send_message(Session& s, std::int64_t number, Stats& stats);
  boost::asio::awaitable<void> quit(Connection& c);
  boost::asio::awaitable<void> hold_idle(Session s, Stats& stats);
  void idle_attempt_done();
  std::string headers(std::int64_t number) const;

  const Options& options_;
  boost::asio::ip::tcp::endpoint server_;
  std::optional<boost::asio::ip::address> source_;
  boost::asio::ssl::context tls_;
  std::string body_;             // dot-safe lines, ends with CRLF; shared by every message
  std::string date_;             // RFC 5322 Date header value, fixed for the run
  std::string envelope_;         // MAIL FROM + RCPT TO lines
  Clock::time_point start_{};    // begin()
  Clock::time_point end_{};      // begin() + --duration (when given)
  std::atomic<std::int64_t> claimed_{0};
  std::atomic<std::uint64_t> next_user_{0};
  std::atomic<std::int64_t> launch_ns_{0};
  std::atomic<std::int64_t> auth_in_window_{0};
  std::atomic<int> idle_started_{0};
  std::atomic<int> idle_finished_{0};     // set-up attempts finished, either way
  std::atomic<int> idle_established_{0};
  std::atomic<int> idle_open_{0};
  std::atomic<int> idle_peak_{0};
  std::atomic<std::int64_t> release_at_ns_{0};  // steady-clock time the held sessions end; 0 = not yet
};

}  // namespace postern::bench
