// inbound::Transport: the byte stream of one SMTP session, plain TCP until STARTTLS (or from
// the first byte on an implicit-TLS listener) and TLS after. One reader and one writer at a
// time, on the session's own worker; not thread-safe.
//
// TLS runs OpenSSL directly on the socket's file descriptor (non-blocking; Asio only waits for
// readiness), not through asio::ssl::stream: that one holds four 17 KiB buffers per session
// (its own two plus a BIO pair) for as long as the session lives. Here an idle session holds
// only its SSL object: the SSL is created at the handshake, a read waits for the socket to be
// readable before it calls SSL_read, and SSL_MODE_RELEASE_BUFFERS gives the record buffers
// back once they are empty (T3: many idle TLS sessions).
#pragma once
#include <openssl/ssl.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <string>
#include <string_view>

namespace postern::inbound {

class Transport {
 public:
  Transport(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;
  boost::asio::awaitable<std::size_t> read_some(boost::asio::mutable_buffer buffer);
  boost::asio::awaitable<void> write(std::string_view bytes);
  boost::asio::awaitable<void> handshake();  // server side; TLS is active afterwards
  void cancel();                             // aborts the pending read/write (timeouts)
  void close();
  bool tls_active() const { return tls_; }
  std::string tls_version() const;  // "TLSv1.3", or "" before TLS
  std::string tls_cipher() const;
  boost::asio::ip::tcp::socket& socket() { return socket_; }

 private:
  // Waits for what the last SSL call asked for; throws on a TLS or socket error.
  boost::asio::awaitable<void> await_io(int ssl_result, const char* step);

  boost::asio::ip::tcp::socket socket_;
  SSL_CTX* ctx_;
  SSL* ssl_ = nullptr;
  bool tls_ = false;
};

}  // namespace postern::inbound
