#include "outbound/connection.h"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace postern::outbound {
namespace asio = boost::asio;
using asio::awaitable;
using boost::system::error_code;

namespace {
constexpr std::size_t kWriteChunk = 64 * 1024;  // each chunk gets its own deadline (§4.5.3.2.5)
}

Connection::Connection(asio::any_io_executor executor, std::shared_ptr<asio::ssl::context> tls)
    : executor_(executor),
      tls_context_(std::move(tls)),
      stream_(executor, *tls_context_),
      watchdog_(executor) {}

Connection::~Connection() { close(); }

void Connection::arm(Seconds limit) {
  std::uint64_t generation = ++generation_;
  timed_out_ = false;
  watchdog_.expires_after(limit);
  watchdog_.async_wait([weak = weak_from_this(), generation](error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->generation_ != generation) return;
    self->timed_out_ = true;
    error_code ignored;
    self->stream_.next_layer().cancel(ignored);
  });
}

void Connection::disarm() {
  ++generation_;
  watchdog_.cancel();
}

Error Connection::failure(const error_code& ec, const char* what) {
  usable_ = false;
  std::string why = timed_out_ ? "timeout" : ec ? ec.message() : "error";
  return Error{std::string(what) + " " + peer_ + ": " + why};
}

awaitable<Status> Connection::connect(const asio::ip::tcp::endpoint& to, Seconds limit) {
  peer_ = (to.address().is_v6() ? "[" + to.address().to_string() + "]" : to.address().to_string()) +
          ":" + std::to_string(to.port());
  error_code ec;
  arm(limit);
  co_await stream_.next_layer().async_connect(to, asio::redirect_error(asio::use_awaitable, ec));
  disarm();
  if (ec || timed_out_) co_return failure(ec, "connection to");
  stream_.next_layer().set_option(asio::ip::tcp::no_delay(true), ec);
  usable_ = true;
  co_return ok_status();
}

awaitable<Result<smtp::Reply>> Connection::read_reply(Seconds limit) {
  if (!usable_) co_return Error{"connection to " + peer_ + " is closed"};
  arm(limit);  // one deadline for the whole (possibly multi-line) reply
  for (;;) {
    auto next = reader_.next();
    if (next.status == ReplyReader::Status::Complete) {
      disarm();
      co_return std::move(next.reply);
    }
    if (next.status == ReplyReader::Status::Malformed) {
      disarm();
      usable_ = false;
      co_return Error{"protocol error from " + peer_ + ": " + next.problem};
    }
    error_code ec;
    std::size_t n = 0;
    if (tls_)
      n = co_await stream_.async_read_some(asio::buffer(buf_),
                                           asio::redirect_error(asio::use_awaitable, ec));
    else
      n = co_await stream_.next_layer().async_read_some(
          asio::buffer(buf_), asio::redirect_error(asio::use_awaitable, ec));
    if (ec || timed_out_) {
      disarm();
      co_return failure(ec, "reading reply from");
    }
    reader_.feed(std::string_view(buf_.data(), n));
  }
}

awaitable<Status> Connection::write(std::string_view bytes, Seconds limit) {
  if (!usable_) co_return Error{"connection to " + peer_ + " is closed"};
  while (!bytes.empty()) {
    auto chunk = bytes.substr(0, kWriteChunk);
    error_code ec;
    arm(limit);
    if (tls_)
      co_await asio::async_write(stream_, asio::buffer(chunk),
                                 asio::redirect_error(asio::use_awaitable, ec));
    else
      co_await asio::async_write(stream_.next_layer(), asio::buffer(chunk),
                                 asio::redirect_error(asio::use_awaitable, ec));
    disarm();
    if (ec || timed_out_) co_return failure(ec, "writing to");
    bytes.remove_prefix(chunk.size());
  }
  co_return ok_status();
}

awaitable<Status> Connection::start_tls(const std::string& server_name, Seconds limit) {
  if (!usable_) co_return Error{"connection to " + peer_ + " is closed"};
  error_code ec;
  asio::ip::make_address(server_name, ec);
  if (ec) SSL_set_tlsext_host_name(stream_.native_handle(), server_name.c_str());
  // RFC 3207 §4.2: nothing the server sent before the handshake may be used afterwards.
  reader_.clear();
  ec = {};
  arm(limit);
  co_await stream_.async_handshake(asio::ssl::stream_base::client,
                                   asio::redirect_error(asio::use_awaitable, ec));
  disarm();
  if (ec || timed_out_) co_return failure(ec, "TLS handshake with");
  tls_ = true;
  co_return ok_status();
}

void Connection::close() {
  usable_ = false;
  error_code ec;
  watchdog_.cancel();
  stream_.next_layer().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  stream_.next_layer().close(ec);
}

}  // namespace postern::outbound
