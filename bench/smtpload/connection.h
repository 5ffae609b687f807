// One client SMTP connection: TCP, optional TLS (implicit or after STARTTLS), a reply reader
// that understands multi-line replies (RFC 5321 §4.2.1) and a per-step deadline. When a step
// outlives its deadline the socket is closed, so the pending operation fails and the session
// coroutine ends: no step can hang. Owned by one coroutine on one io_context; not thread-safe.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace postern::bench {

struct Reply {
  int code = 0;      // 0 when the bytes were not a valid reply
  std::string text;  // every line, CRLF-separated, for EHLO keywords and error messages

  bool positive() const { return code >= 200 && code < 400; }
  bool has_keyword(std::string_view keyword) const;  // an EHLO extension, e.g. "PIPELINING"
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::any_io_executor executor, boost::asio::ssl::context& tls,
             std::chrono::milliseconds step_timeout);
  ~Connection();

  // `source`, when given, is the local address to bind first (the port is chosen at connect).
  boost::asio::awaitable<void> connect(const boost::asio::ip::tcp::endpoint& server,
                                       const boost::asio::ip::address* source = nullptr);
  boost::asio::awaitable<void> handshake();  // client side; TLS is active afterwards
  boost::asio::awaitable<void> write(std::string_view bytes);
  boost::asio::awaitable<void> write(const std::vector<boost::asio::const_buffer>& buffers);
  boost::asio::awaitable<Reply> read_reply();
  boost::asio::awaitable<Reply> command(std::string_view line);  // line includes CRLF

  // Starts a new step: the next operations must finish within `timeout` (default: the step
  // timeout given at construction).
  void step();
  void step(std::chrono::milliseconds timeout);
  void close();
  bool timed_out() const { return timed_out_; }
  SSL* ssl() { return stream_.native_handle(); }  // for TLS session resumption

 private:
  void watch();

  boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream_;
  boost::asio::steady_timer timer_;
  std::chrono::milliseconds step_timeout_;
  std::chrono::steady_clock::time_point deadline_;
  bool watching_ = false;
  bool timed_out_ = false;
  bool closed_ = false;
  bool tls_ = false;
  std::string in_;          // received bytes not yet consumed as replies
  std::size_t in_pos_ = 0;  // start of the unconsumed part of in_
};

}  // namespace postern::bench
