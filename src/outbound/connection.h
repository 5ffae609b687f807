// outbound::Connection: one client connection to a remote SMTP server, plain TCP until
// STARTTLS and TLS after, with a deadline on every operation (a watchdog timer cancels the
// socket when it passes) and a ReplyReader that bounds what the server can make us buffer.
// Errors are values (Status), never exceptions. Used by one coroutine at a time, on the
// executor it was created on; owned through shared_ptr (the watchdog holds a weak_ptr).
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "outbound/client_protocol.h"
#include "outbound/reply_reader.h"

namespace postern::outbound {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Seconds = std::chrono::seconds;
  Connection(boost::asio::any_io_executor executor, std::shared_ptr<boost::asio::ssl::context> tls);
  ~Connection();

  boost::asio::awaitable<Status> connect(const boost::asio::ip::tcp::endpoint& to, Seconds limit);
  boost::asio::awaitable<Result<smtp::Reply>> read_reply(Seconds limit);
  boost::asio::awaitable<Status> write(std::string_view bytes, Seconds limit);
  // Client TLS handshake; `server_name` goes into SNI unless it is an IP literal.
  boost::asio::awaitable<Status> start_tls(const std::string& server_name, Seconds limit);
  void close();

  bool usable() const { return usable_; }  // false after any error, timeout or close
  bool tls_active() const { return tls_; }
  const boost::asio::any_io_executor& executor() const { return executor_; }
  std::string peer() const { return peer_; }  // "127.0.0.1:25"
  // Bytes received after the last reply read_reply returned (a server that pipelines replies).
  std::size_t pending_input() const { return reader_.buffered(); }

  Capabilities caps;                                 // from the last EHLO/HELO
  std::chrono::steady_clock::time_point idle_since;  // set by the pool
  bool reused = false;                               // taken from the pool at least once

 private:
  void arm(Seconds limit);
  void disarm();
  Error failure(const boost::system::error_code& ec, const char* what);

  boost::asio::any_io_executor executor_;
  std::shared_ptr<boost::asio::ssl::context> tls_context_;
  boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream_;
  boost::asio::steady_timer watchdog_;
  std::uint64_t generation_ = 0;  // which arm() the watchdog's pending wait belongs to
  bool timed_out_ = false;
  bool usable_ = false;
  bool tls_ = false;
  std::string peer_;
  ReplyReader reader_;
  std::array<char, 4096> buf_{};
};

}  // namespace postern::outbound
