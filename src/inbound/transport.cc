#include "inbound/transport.h"

#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace postern::inbound {
namespace asio = boost::asio;

Transport::Transport(asio::ip::tcp::socket socket, asio::ssl::context& tls)
    : stream_(std::move(socket), tls) {}

asio::awaitable<std::size_t> Transport::read_some(asio::mutable_buffer buffer) {
  if (tls_) co_return co_await stream_.async_read_some(buffer, asio::use_awaitable);
  co_return co_await stream_.next_layer().async_read_some(buffer, asio::use_awaitable);
}

asio::awaitable<void> Transport::write(std::string_view bytes) {
  if (tls_)
    co_await asio::async_write(stream_, asio::buffer(bytes), asio::use_awaitable);
  else
    co_await asio::async_write(stream_.next_layer(), asio::buffer(bytes), asio::use_awaitable);
}

asio::awaitable<void> Transport::handshake() {
  co_await stream_.async_handshake(asio::ssl::stream_base::server, asio::use_awaitable);
  tls_ = true;
}

void Transport::cancel() {
  boost::system::error_code ec;
  stream_.next_layer().cancel(ec);
}

void Transport::close() {
  boost::system::error_code ec;
  stream_.next_layer().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  stream_.next_layer().close(ec);
}

std::string Transport::tls_version() const {
  if (!tls_) return "";
  return SSL_get_version(const_cast<asio::ssl::stream<asio::ip::tcp::socket>&>(stream_).native_handle());
}

std::string Transport::tls_cipher() const {
  if (!tls_) return "";
  auto* ssl = const_cast<asio::ssl::stream<asio::ip::tcp::socket>&>(stream_).native_handle();
  const char* name = SSL_get_cipher_name(ssl);
  return name ? name : "";
}

}  // namespace postern::inbound
