// One of the two translation units that compile Boost.Beast (with client.cc): everything else
// in the module is pure. Each connection is a coroutine on its own strand of the io_context;
// the blocking handler runs on the pool and the coroutine resumes on its strand afterwards.
#include "http/server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <exception>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

namespace postern::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr std::uint32_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kBufferLimit = 64 * 1024;
constexpr std::size_t kMaxRejecting = 64;  // 503 answers in flight; beyond, plain close
constexpr auto kReadTimeout = std::chrono::seconds(30);
constexpr auto kIdleTimeout = std::chrono::seconds(60);
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr auto kLingerTimeout = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = 1 << 20;

using BeastRequest = bhttp::request<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;

struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  bool busy = false;     // a request is being handled or answered: finish it first
  bool closing = false;  // the server is closing: answer with Connection: close
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// Response header fields from handlers: a token name and a value without CR, LF or NUL, so a
// value built from client input can never split the response.
bool field_ok(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  for (unsigned char c : name)
    if (c <= 0x20 || c >= 0x7f || c == ':') return false;
  for (unsigned char c : value)
    if (c == '\r' || c == '\n' || c == '\0') return false;
  return true;
}

// Framing and connection fields belong to the server, never to a handler.
bool reserved_field(std::string_view name) {
  return iequals(name, "content-length") || iequals(name, "transfer-encoding") ||
         iequals(name, "connection") || iequals(name, "keep-alive") || iequals(name, "upgrade");
}

Response json_error(int status, std::string_view message) {
  Response r;
  r.status = status;
  r.body = "{\"error\":\"" + std::string(message) + "\"}";
  return r;
}

BeastResponse to_beast(Response r, unsigned version, bool head, bool keep_alive) {
  if (r.status < 100 || r.status > 599) r = json_error(500, "internal error");
  BeastResponse res;
  res.version(version);
  res.result(static_cast<unsigned>(r.status));
  res.reason(reason_phrase(r.status));
  bool cache_control = false;
  for (const auto& [name, value] : r.headers) {
    if (!field_ok(name, value) || reserved_field(name)) continue;
    if (iequals(name, "cache-control")) cache_control = true;
    res.insert(name, value);
  }
  // RFC 9110 §8.6, §15.3.5: no content and no Content-Length in 1xx, 204 and 304.
  bool no_content = r.status < 200 || r.status == 204 || r.status == 304;
  if (!no_content) {
    if (!r.content_type.empty() && field_ok("content-type", r.content_type))
      res.set(bhttp::field::content_type, r.content_type);
    res.content_length(r.body.size());
    // RFC 9110 §9.3.2: HEAD gets the headers GET would get, Content-Length included.
    if (!head) res.body() = std::move(r.body);
  }
  res.set("X-Content-Type-Options", "nosniff");
  if (!cache_control) res.set(bhttp::field::cache_control, "no-store");
  res.keep_alive(keep_alive);
  return res;
}

std::string peer_address(const tcp::socket& socket) {
  error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "";
  auto address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
  return address.to_string();
}

// Errors of the request itself (as opposed to the peer going away or a timeout).
bool is_malformed(const error_code& ec) {
  if (ec.category() != bhttp::make_error_code(bhttp::error::bad_target).category()) return false;
  return ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message &&
         ec != bhttp::error::need_more;
}

}  // namespace

namespace {

// The state the accept loop and the connection coroutines share: it lives until the last of
// them ends, even after the Server is gone.
struct State {
  State(asio::io_context& io, asio::thread_pool& blocking, events::Logger& log,
        ServerOptions options, BlockingHandler handler)
      : io(io),
        blocking(blocking),
        log(log),
        options(std::move(options)),
        handler(std::move(handler)),
        acceptor(io) {}

  asio::io_context& io;
  asio::thread_pool& blocking;
  events::Logger& log;
  ServerOptions options;
  BlockingHandler handler;
  tcp::acceptor acceptor;
  std::atomic<std::size_t> active{0};
  std::atomic<std::size_t> rejecting{0};

  std::mutex mu;  // guards the fields below (close() may come from any thread)
  bool closed = false;
  std::uint64_t next_id = 0;
  std::map<std::uint64_t, std::weak_ptr<Connection>> connections;

  void forget(std::uint64_t id) {
    std::lock_guard lock(mu);
    connections.erase(id);
  }
};

using Core = std::shared_ptr<State>;

// Gives the connection slot back however the connection coroutine ends.
struct SlotGuard {
  Core core;
  std::uint64_t id;
  ~SlotGuard() {
    core->forget(id);
    --core->active;
  }
};

awaitable<Response> call_handler(Core core, const Request* request) {
  co_return core->handler(*request);
}

awaitable<void> write_response(beast::tcp_stream& stream, BeastResponse& res, error_code& ec) {
  stream.expires_after(kWriteTimeout);
  co_await bhttp::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
}

// After an error answer the client may still be sending (a refused body): half-close, then
// read and drop what comes for a moment so that closing does not reset the connection before
// the client has read the answer.
awaitable<void> linger_close(beast::tcp_stream& stream) {
  error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.expires_after(kLingerTimeout);
  std::size_t drained = 0;
  char sink[4096];
  while (!ec && drained < kLingerBytes) {
    drained += co_await stream.async_read_some(asio::buffer(sink),
                                               asio::redirect_error(use_awaitable, ec));
  }
  stream.socket().close(ec);
}

// Answers an error the request caused and closes the connection.
awaitable<void> refuse(beast::tcp_stream& stream, unsigned version, int status,
                       std::string_view message) {
  BeastResponse res = to_beast(json_error(status, message), version, false, false);
  error_code ec;
  co_await write_response(stream, res, ec);
  if (!ec) co_await linger_close(stream);
}

awaitable<void> reject_busy(Core core, tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  co_await refuse(stream, 11, 503, "too many connections");
  --core->rejecting;
}

Request to_request(BeastRequest& in, const std::string& peer) {
  Request out;
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  for (const auto& field : in) {
    std::string name = lower(field.name_string());
    auto [it, fresh] = out.headers.emplace(name, std::string(field.value()));
    // RFC 9110 §5.3: repeated fields join with commas; RFC 6265 §5.4: cookies with "; ".
    if (!fresh) it->second += (name == "cookie" ? "; " : ", ") + std::string(field.value());
  }
  out.body = std::move(in.body());
  out.peer_ip = peer;
  return out;
}

// Reads one request into parser. ec: the read's error, if any.
awaitable<void> read_request(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                             bhttp::request_parser<bhttp::string_body>& parser, error_code& ec) {
  stream.expires_after(kReadTimeout);
  co_await bhttp::async_read_header(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
  if (ec || parser.is_done()) co_return;
  // RFC 9110 §10.1.1: a client waiting for 100 (curl does, for larger bodies) gets it once
  // the header is accepted (the body limit has been checked against Content-Length).
  const auto& header = parser.get();
  if (header.version() >= 11 && iequals(header[bhttp::field::expect], "100-continue")) {
    static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
    co_await asio::async_write(stream, asio::buffer(kContinue, sizeof kContinue - 1),
                               asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;
  }
  co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
}

awaitable<void> serve_connection(Core core, std::shared_ptr<Connection> conn, std::uint64_t id) {
  SlotGuard slot{core, id};
  auto& stream = conn->stream;
  const std::string peer = peer_address(stream.socket());
  beast::flat_buffer buffer(kBufferLimit);
  bool first = true;
  for (;;) {
    // close() may have come while the last answer was being written.
    if (conn->closing) co_return;
    // Wait for the first byte of the next request: 30 s on a new connection, 60 s idle.
    if (buffer.size() == 0) {
      stream.expires_after(first ? kReadTimeout : kIdleTimeout);
      error_code ec;
      std::size_t n = co_await stream.async_read_some(buffer.prepare(4096),
                                                      asio::redirect_error(use_awaitable, ec));
      if (ec) co_return;
      buffer.commit(n);
    }
    first = false;
    if (conn->closing) co_return;

    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(core->options.max_body);
    error_code ec;
    co_await read_request(stream, buffer, parser, ec);
    if (ec == bhttp::error::body_limit) {
      co_return co_await refuse(stream, 11, 413, "request body too large");
    }
    if (ec == bhttp::error::header_limit) {
      co_return co_await refuse(stream, 11, 431, "request header too large");
    }
    if (ec && is_malformed(ec)) co_return co_await refuse(stream, 11, 400, "bad request");
    if (ec) co_return;  // the peer left, reset, or was too slow

    conn->busy = true;
    BeastRequest& in = parser.get();
    unsigned version = in.version();
    if (version != 10 && version != 11) {
      co_return co_await refuse(stream, 11, 505, "HTTP version not supported");
    }
    // RFC 9112 §3.2: a 1.1 request without Host is a 400.
    if (version == 11 && in.find(bhttp::field::host) == in.end()) {
      co_return co_await refuse(stream, version, 400, "missing Host header");
    }
    bool keep_alive = in.keep_alive();
    bool head = in.method() == bhttp::verb::head;
    Request request = to_request(in, peer);

    Response response;
    if (!parse_target(request.target, request.path, request.query)) {
      response = json_error(400, "bad request target");
      keep_alive = false;
    } else {
      std::string failure;
      try {
        response = co_await asio::co_spawn(core->blocking, call_handler(core, &request),
                                           use_awaitable);
      } catch (const std::exception& e) {
        failure = e.what();
        if (failure.empty()) failure = "exception";
      } catch (...) {
        failure = "unknown exception";
      }
      if (!failure.empty()) {
        // Never the body (it may hold passwords) and never the text to the client.
        core->log.error("http_handler_error",
                        {{"method", events::sanitize(request.method, 16)},
                         {"path", events::sanitize(request.path, 256)},
                         {"peer", peer},
                         {"error", events::sanitize(failure, 256)}});
        response = json_error(500, "internal error");
      }
    }
    if (conn->closing) keep_alive = false;
    BeastResponse res = to_beast(std::move(response), version, head, keep_alive);
    co_await write_response(stream, res, ec);
    conn->busy = false;
    if (ec) co_return;
    if (!keep_alive) {
      stream.socket().shutdown(tcp::socket::shutdown_send, ec);
      stream.socket().close(ec);
      co_return;
    }
  }
}

void log_connection_end(const Core& core, std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    core->log.error("http_connection_error", {{"error", events::sanitize(ex.what(), 256)}});
  } catch (...) {
    core->log.error("http_connection_error", {{"error", "unknown exception"}});
  }
}

awaitable<void> accept_loop(Core core) {
  for (;;) {
    // Each connection gets its own strand: the io_context may be run by several threads.
    tcp::socket socket(asio::make_strand(core->io));
    error_code ec;
    co_await core->acceptor.async_accept(socket, asio::redirect_error(use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !core->acceptor.is_open()) co_return;
    if (ec) {
      // EMFILE and friends: back off briefly instead of spinning.
      core->log.warn("http_accept_failed", {{"error", ec.message()}});
      asio::steady_timer pause(core->acceptor.get_executor(), std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    std::size_t limit = core->options.max_connections;
    if (core->active.load() >= limit) {
      if (core->rejecting.load() >= kMaxRejecting) {
        socket.close(ec);
        continue;
      }
      ++core->rejecting;
      auto executor = socket.get_executor();
      asio::co_spawn(executor, reject_busy(core, std::move(socket)),
                     [core](std::exception_ptr e) { log_connection_end(core, e); });
      continue;
    }
    auto conn = std::make_shared<Connection>(std::move(socket));
    std::uint64_t id = 0;
    {
      std::lock_guard lock(core->mu);
      if (core->closed) co_return;
      id = ++core->next_id;
      core->connections.emplace(id, conn);
    }
    ++core->active;
    auto executor = conn->stream.get_executor();
    asio::co_spawn(executor, serve_connection(core, conn, id),
                   [core](std::exception_ptr e) { log_connection_end(core, e); });
  }
}

// "host:port" / "[v6]:port" -> endpoint; host must be an IP address or "localhost".
Result<tcp::endpoint> parse_listen_address(const std::string& text) {
  std::string host;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return Error{"http address " + text + ": expected host:port"};
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos) return Error{"http address " + text + ": expected host:port"};
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoul(port) > 65535)
    return Error{"http address " + text + ": bad port"};
  if (host == "localhost") host = "127.0.0.1";
  error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return Error{"http address " + text + ": not an IP address"};
  return tcp::endpoint(address, static_cast<unsigned short>(std::stoul(port)));
}

}  // namespace

struct Server::Impl {
  Core state;
};

Server::Server(asio::io_context& io, asio::thread_pool& blocking, events::Logger& log,
               ServerOptions options, BlockingHandler handler)
    : impl_(std::make_unique<Impl>(Impl{std::make_shared<State>(
          io, blocking, log, std::move(options), std::move(handler))})) {}

Server::~Server() { close(); }

Result<std::string> Server::bind() {
  auto& state = *impl_->state;
  auto endpoint = parse_listen_address(state.options.address);
  if (!endpoint) return endpoint.error();
  auto& acceptor = state.acceptor;
  error_code ec;
  acceptor.open(endpoint->protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(*endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    std::string why = ec.message();
    acceptor.close(ec);
    return Error{"cannot listen on " + state.options.address + ": " + why};
  }
  auto local = acceptor.local_endpoint();
  std::string host = local.address().to_string();
  if (local.address().is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(local.port());
}

void Server::start() {
  Core core = impl_->state;
  asio::co_spawn(core->acceptor.get_executor(), accept_loop(core),
                 [core](std::exception_ptr e) { log_connection_end(core, e); });
}

// Stops accepting; idle keep-alive connections are closed, and a request being handled gets
// its answer with Connection: close. Safe from any thread (the work runs on the executors).
void Server::close() {
  Core core = impl_->state;
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(core->mu);
    if (core->closed) return;
    core->closed = true;
    for (auto& [id, weak] : core->connections)
      if (auto conn = weak.lock()) open.push_back(std::move(conn));
  }
  asio::dispatch(core->acceptor.get_executor(), [core]() {
    error_code ec;
    core->acceptor.close(ec);
  });
  for (auto& conn : open) {
    auto executor = conn->stream.get_executor();
    asio::dispatch(executor, [conn]() {
      conn->closing = true;
      if (!conn->busy) conn->stream.cancel();
    });
  }
}

}  // namespace postern::http
