#include "inbound/transport.h"

#include <openssl/err.h>

#include <csignal>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/system/system_error.hpp>

namespace postern::inbound {
namespace asio = boost::asio;
using boost::system::system_error;

Transport::Transport(asio::ip::tcp::socket socket, asio::ssl::context& tls)
    : socket_(std::move(socket)), ctx_(tls.native_handle()) {
  // OpenSSL writes to the descriptor with plain write(): a peer that has gone (an alert sent
  // after a bad handshake) must give EPIPE, not kill the relay with SIGPIPE.
  static const bool sigpipe_ignored = [] {
    std::signal(SIGPIPE, SIG_IGN);
    return true;
  }();
  (void)sigpipe_ignored;
}

Transport::~Transport() {
  if (ssl_) SSL_free(ssl_);
}

asio::awaitable<void> Transport::await_io(int ssl_result, const char* step) {
  const int err = SSL_get_error(ssl_, ssl_result);
  switch (err) {
    case SSL_ERROR_WANT_READ:
      co_await socket_.async_wait(asio::ip::tcp::socket::wait_read, asio::use_awaitable);
      co_return;
    case SSL_ERROR_WANT_WRITE:
      co_await socket_.async_wait(asio::ip::tcp::socket::wait_write, asio::use_awaitable);
      co_return;
    case SSL_ERROR_ZERO_RETURN:
      throw system_error(asio::error::eof, step);
    case SSL_ERROR_SYSCALL: {
      const int e = errno;
      ERR_clear_error();
      if (e == 0) throw system_error(asio::error::eof, step);
      throw system_error(boost::system::error_code(e, boost::system::system_category()), step);
    }
    default: {
      const unsigned long e = ERR_get_error();
      ERR_clear_error();
      throw system_error(boost::system::error_code(static_cast<int>(e), asio::error::get_ssl_category()),
                         step);
    }
  }
}

asio::awaitable<std::size_t> Transport::read_some(asio::mutable_buffer buffer) {
  if (!tls_) co_return co_await socket_.async_read_some(buffer, asio::use_awaitable);
  if (buffer.size() == 0) co_return 0;
  // Nothing decrypted or buffered inside OpenSSL: wait for the socket first, so that an idle
  // session holds no read buffer (SSL_read would allocate one just to find nothing to read).
  if (SSL_pending(ssl_) == 0 && !SSL_has_pending(ssl_))
    co_await socket_.async_wait(asio::ip::tcp::socket::wait_read, asio::use_awaitable);
  for (;;) {
    ERR_clear_error();
    errno = 0;
    const int n = SSL_read(ssl_, buffer.data(), static_cast<int>(std::min<std::size_t>(buffer.size(), 1 << 30)));
    if (n > 0) co_return static_cast<std::size_t>(n);
    const int err = SSL_get_error(ssl_, n);
    if (err == SSL_ERROR_ZERO_RETURN) co_return 0;  // close_notify: the peer is done
    co_await await_io(n, "tls read");
  }
}

asio::awaitable<void> Transport::write(std::string_view bytes) {
  if (!tls_) {
    co_await asio::async_write(socket_, asio::buffer(bytes), asio::use_awaitable);
    co_return;
  }
  while (!bytes.empty()) {
    ERR_clear_error();
    errno = 0;
    const int chunk = static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 30));
    const int n = SSL_write(ssl_, bytes.data(), chunk);  // same arguments when retried
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    co_await await_io(n, "tls write");
  }
}

asio::awaitable<void> Transport::handshake() {
  ssl_ = SSL_new(ctx_);
  if (!ssl_) throw system_error(asio::error::no_memory, "SSL_new");
  socket_.non_blocking(true);
  if (SSL_set_fd(ssl_, socket_.native_handle()) != 1)
    throw system_error(asio::error::bad_descriptor, "SSL_set_fd");
  SSL_set_accept_state(ssl_);
  for (;;) {
    ERR_clear_error();
    errno = 0;
    const int r = SSL_do_handshake(ssl_);
    if (r == 1) break;
    co_await await_io(r, "tls handshake");
  }
  tls_ = true;
}

void Transport::cancel() {
  boost::system::error_code ec;
  socket_.cancel(ec);
}

void Transport::close() {
  boost::system::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

std::string Transport::tls_version() const {
  if (!tls_) return "";
  return SSL_get_version(ssl_);
}

std::string Transport::tls_cipher() const {
  if (!tls_) return "";
  const char* name = SSL_get_cipher_name(ssl_);
  return name ? name : "";
}

}  // namespace postern::inbound
