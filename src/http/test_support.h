// Test helpers for the http tests: a Server on 127.0.0.1:0 driven by an io_context on its own
// thread, a blocking POSIX client for raw HTTP bytes, and a way to run a coroutine to its end.
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>

#include "events/logger.h"
#include "http/server.h"

namespace postern::http::testing {

// Port of "host:port".
inline int port_of(const std::string& address) {
  return std::stoi(address.substr(address.rfind(':') + 1));
}

class ServerHarness {
 public:
  ServerHarness(BlockingHandler handler, ServerOptions options = {})
      : log_path_(make_log_path()),
        log_file_(std::fopen(log_path_.c_str(), "a")),
        log_(log_file_),
        pool_(2),
        guard_(io_.get_executor()) {
    options.address = "127.0.0.1:0";
    server_ = std::make_unique<Server>(io_, pool_, log_, options, std::move(handler));
    auto bound = server_->bind();
    if (bound) address_ = *bound;
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~ServerHarness() {
    server_->close();
    guard_.reset();
    io_.stop();
    thread_.join();
    pool_.join();
    server_.reset();
    std::fclose(log_file_);
    std::remove(log_path_.c_str());
  }
  const std::string& address() const { return address_; }
  int port() const { return port_of(address_); }
  Server& server() { return *server_; }
  boost::asio::io_context& io() { return io_; }

  // Everything logged so far.
  std::string log_text() const {
    std::ifstream in(log_path_, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  // Runs a coroutine on the server's io_context and waits for its result.
  template <class T>
  T run(boost::asio::awaitable<T> coroutine) {
    return boost::asio::co_spawn(io_, std::move(coroutine), boost::asio::use_future).get();
  }

 private:
  static std::string make_log_path() {
    char path[] = "/tmp/postern-http-test-XXXXXX";
    int fd = ::mkstemp(path);
    if (fd >= 0) ::close(fd);
    return path;
  }
  std::string log_path_;
  std::FILE* log_file_;
  events::Logger log_;
  boost::asio::thread_pool pool_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::unique_ptr<Server> server_;
  std::string address_;
  std::thread thread_;
};

struct RawResponse {
  int status = 0;          // 0: nothing (or no complete header) was read
  std::string head;        // status line and header fields
  std::string body;
  bool has_header(const std::string& line) const {
    return head.find("\r\n" + line + "\r\n") != std::string::npos;
  }
};

// A blocking client socket with a receive timeout, for byte-exact HTTP tests.
class RawConnection {
 public:
  explicit RawConnection(int port, int timeout_ms = 5000) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }

  bool send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Reads one response (Content-Length framed; without it, until the peer closes).
  RawResponse read_response() {
    RawResponse r;
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos)
      if (!fill()) return r;
    r.head = buffer_.substr(0, end + 2);
    buffer_.erase(0, end + 4);
    if (r.head.size() > 12) r.status = std::atoi(r.head.c_str() + 9);
    std::size_t length = std::string::npos;
    auto pos = lower(r.head).find("\r\ncontent-length: ");
    if (pos != std::string::npos) length = std::stoul(r.head.substr(pos + 18));
    if (head_request_ || r.status < 200 || r.status == 204 || r.status == 304) length = 0;
    if (length == std::string::npos) {
      while (fill()) {
      }
      r.body = std::move(buffer_);
      buffer_.clear();
      return r;
    }
    while (buffer_.size() < length)
      if (!fill()) break;
    r.body = buffer_.substr(0, length);
    buffer_.erase(0, std::min(length, buffer_.size()));
    return r;
  }

  // The next response answers a HEAD: no body follows whatever Content-Length says.
  void expect_head(bool head) { head_request_ = head; }

  // True when the peer closed the connection (EOF) within the receive timeout.
  bool closed_by_peer() {
    char c;
    ssize_t n = ::recv(fd_, &c, 1, 0);
    if (n > 0) buffer_.push_back(c);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }
  const std::string& buffered() const { return buffer_; }

 private:
  static std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
  bool fill() {
    char buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<std::size_t>(n));
    return true;
  }
  int fd_ = -1;
  bool connected_ = false;
  bool head_request_ = false;
  std::string buffer_;
};

// Polls cond every 10 ms for up to 5 s.
template <class F>
bool eventually(F cond) {
  for (int i = 0; i < 500; ++i) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return cond();
}

}  // namespace postern::http::testing
