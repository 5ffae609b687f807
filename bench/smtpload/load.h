// The offered load: what every session shares (options, server address, TLS context, the
// message bytes, the counters that hand out work) and the coroutines that drive sessions.
// Load is shared by all worker threads: its mutable parts are atomics; each thread passes its
// own Stats, so the hot path takes no lock.
#pragma once
#include "smtpload/connection.h"
#include "smtpload/options.h"
#include "smtpload/stats.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace postern::bench {

class Load {
 public:
  Load(const Options& options, boost::asio::ip::tcp::endpoint server);

  // Closed loop for one of the --connections: open a session, send up to --per-conn
  // messages, QUIT, repeat until this connection's share of the messages has been offered.
  // Fixed shares make "20 connections x 50 messages" exactly 20 sessions.
  boost::asio::awaitable<void> run_sender(std::int64_t share, Stats& stats);
  // Idle mode: open sessions until --idle have been tried; each established one is held by
  // its own coroutine until every session is set up and --hold seconds have passed.
  boost::asio::awaitable<void> run_idle_opener(Stats& stats);

  const Options& options() const { return options_; }
  std::int64_t claimed() const { return claimed_.load(); }
  int idle_peak() const { return idle_peak_.load(); }
  int idle_established() const { return idle_established_.load(); }

 private:
  struct Session {
    std::shared_ptr<Connection> connection;
    bool pipelining = false;
  };

  // Takes one message from `share`: its number for the Message-ID, or -1 when none is left.
  std::int64_t claim_message(std::int64_t& share);
  boost::asio::awaitable<Session> open_session(Stats& stats);
  boost::asio::awaitable<void> authenticate(Connection& c, const char*& step);
  // Sends one message; a refused message is counted and the transaction reset. Throws when
  // the connection is no longer usable.
  boost::asio::awaitable<void> send_message(Session& s, std::int64_t number, Stats& stats);
  boost::asio::awaitable<void> quit(Connection& c);
  boost::asio::awaitable<void> hold_idle(Session s, Stats& stats);
  void idle_attempt_done();
  std::string headers(std::int64_t number) const;

  const Options& options_;
  boost::asio::ip::tcp::endpoint server_;
  boost::asio::ssl::context tls_;
  std::string body_;             // dot-safe lines, ends with CRLF; shared by every message
  std::string date_;             // RFC 5322 Date header value, fixed for the run
  std::string envelope_;         // MAIL FROM + RCPT TO lines
  std::atomic<std::int64_t> claimed_{0};
  std::atomic<std::uint64_t> next_user_{0};
  std::atomic<int> idle_started_{0};
  std::atomic<int> idle_finished_{0};     // set-up attempts finished, either way
  std::atomic<int> idle_established_{0};
  std::atomic<int> idle_open_{0};
  std::atomic<int> idle_peak_{0};
  std::atomic<std::int64_t> release_at_ns_{0};  // steady-clock time the held sessions end; 0 = not yet
};

}  // namespace postern::bench
