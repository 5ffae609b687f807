// inbound::Transport: the byte stream of one SMTP session, plain TCP until STARTTLS (or from
// the first byte on an implicit-TLS listener) and TLS after. One reader and one writer at a
// time, on the session's own worker; not thread-safe.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <string>
#include <string_view>

namespace postern::inbound {

class Transport {
 public:
  Transport(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls);
  boost::asio::awaitable<std::size_t> read_some(boost::asio::mutable_buffer buffer);
  boost::asio::awaitable<void> write(std::string_view bytes);
  boost::asio::awaitable<void> handshake();  // server side; TLS is active afterwards
  void cancel();                             // aborts the pending read/write (timeouts)
  void close();
  bool tls_active() const { return tls_; }
  std::string tls_version() const;  // "TLSv1.3", or "" before TLS
  std::string tls_cipher() const;
  boost::asio::ip::tcp::socket& socket() { return stream_.next_layer(); }

 private:
  boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream_;
  bool tls_ = false;
};

}  // namespace postern::inbound
