#include "smtpload/connection.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <netinet/in.h>
#include <sys/socket.h>

namespace postern::bench {
namespace asio = boost::asio;
using asio::use_awaitable;

namespace {
// Replies longer than this are a broken or hostile server, not a benchmark result.
constexpr std::size_t kMaxReply = 64 * 1024;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) ==
                  std::toupper(static_cast<unsigned char>(y));
         });
}
}  // namespace

bool Reply::has_keyword(std::string_view keyword) const {
  std::string_view rest = text;
  while (!rest.empty()) {
    auto end = rest.find("\r\n");
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 2);
    if (line.size() < 4) continue;
    line.remove_prefix(4);  // "250-" or "250 "
    if (iequals(line.substr(0, line.find(' ')), keyword)) return true;
  }
  return false;
}

Connection::Connection(asio::any_io_executor executor, asio::ssl::context& tls,
                       std::chrono::milliseconds step_timeout)
    : stream_(asio::ip::tcp::socket(executor), tls),
      timer_(executor),
      step_timeout_(step_timeout) {}

Connection::~Connection() { close(); }

void Connection::step() { step(step_timeout_); }

void Connection::step(std::chrono::milliseconds timeout) {
  deadline_ = std::chrono::steady_clock::now() + timeout;
  if (!watching_ && !closed_) watch();
}

// One timer per connection, re-armed only when it fires: moving the deadline forward costs
// nothing per step. The handler holds a weak pointer, so it never outlives the connection.
void Connection::watch() {
  watching_ = true;
  timer_.expires_at(deadline_);
  timer_.async_wait([self = weak_from_this()](boost::system::error_code ec) {
    auto c = self.lock();
    if (!c) return;
    c->watching_ = false;
    if (ec || c->closed_) return;
    if (std::chrono::steady_clock::now() >= c->deadline_) {
      c->timed_out_ = true;
      c->close();
    } else {
      c->watch();
    }
  });
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ec;
  timer_.cancel();
  stream_.next_layer().close(ec);
}

asio::awaitable<void> Connection::connect(const asio::ip::tcp::endpoint& server,
                                          const asio::ip::address* source) {
  step();
  if (source != nullptr) {
    auto& socket = stream_.next_layer();
    socket.open(server.protocol());
    // Let connect() pick the port for the whole 4-tuple: thousands of short sessions from one
    // source address would otherwise run out of ports that bind() considers free.
    int one = 1;
    ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    socket.bind(asio::ip::tcp::endpoint(*source, 0));
  }
  co_await stream_.next_layer().async_connect(server, use_awaitable);
  stream_.next_layer().set_option(asio::ip::tcp::no_delay(true));
}

asio::awaitable<void> Connection::handshake() {
  step();
  co_await stream_.async_handshake(asio::ssl::stream_base::client, use_awaitable);
  tls_ = true;
}

asio::awaitable<void> Connection::write(std::string_view bytes) {
  if (tls_)
    co_await asio::async_write(stream_, asio::buffer(bytes), use_awaitable);
  else
    co_await asio::async_write(stream_.next_layer(), asio::buffer(bytes), use_awaitable);
}

asio::awaitable<void> Connection::write(const std::vector<asio::const_buffer>& buffers) {
  if (tls_)
    co_await asio::async_write(stream_, buffers, use_awaitable);
  else
    co_await asio::async_write(stream_.next_layer(), buffers, use_awaitable);
}

// A reply is complete at the first line whose fourth character is a space (or that has only
// the three digits); continuation lines have a '-' there.
asio::awaitable<Reply> Connection::read_reply() {
  std::size_t scan = in_pos_;
  for (;;) {
    for (;;) {
      auto eol = in_.find("\r\n", scan);
      if (eol == std::string::npos) break;
      std::string_view line(in_.data() + scan, eol - scan);
      scan = eol + 2;
      bool last = line.size() == 3 || (line.size() > 3 && line[3] == ' ');
      if (!last) continue;
      Reply r;
      r.text.assign(in_, in_pos_, eol - in_pos_);
      in_pos_ = scan;
      if (line.size() >= 3 && std::isdigit(static_cast<unsigned char>(line[0])) &&
          std::isdigit(static_cast<unsigned char>(line[1])) &&
          std::isdigit(static_cast<unsigned char>(line[2])))
        r.code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
      if (in_pos_ == in_.size()) {
        in_.clear();
        in_pos_ = 0;
      }
      co_return r;
    }
    if (in_.size() - in_pos_ > kMaxReply) throw std::runtime_error("reply too long");
    if (in_pos_ > 0) {
      in_.erase(0, in_pos_);
      scan -= in_pos_;
      in_pos_ = 0;
    }
    char buffer[8192];
    std::size_t n;
    if (tls_)
      n = co_await stream_.async_read_some(asio::buffer(buffer), use_awaitable);
    else
      n = co_await stream_.next_layer().async_read_some(asio::buffer(buffer), use_awaitable);
    in_.append(buffer, n);
  }
}

asio::awaitable<Reply> Connection::command(std::string_view line) {
  step();
  co_await write(line);
  co_return co_await read_reply();
}

}  // namespace postern::bench
