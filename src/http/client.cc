// One of the two translation units that compile Boost.Beast (with server.cc). One request per
// connection; the whole exchange (resolve, connect, TLS, write, read) shares one deadline.
#include "http/client.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <memory>

namespace postern::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr std::size_t kBodyCap = 64 * 1024;
constexpr std::uint32_t kResponseHeaderLimit = 16 * 1024;

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

bool host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

bool v6_char(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
}

// A client context shared by every call: TLS 1.2+, peers verified against the system store.
asio::ssl::context make_client_context() {
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  error_code ec;
  ctx.set_default_verify_paths(ec);
  ctx.set_verify_mode(asio::ssl::verify_peer, ec);
  return ctx;
}

asio::ssl::context& client_context() {
  static asio::ssl::context context = make_client_context();  // thread-safe initialisation
  return context;
}

// Framing fields are the client's; callers set the others (Content-Type, signatures).
bool reserved_field(std::string_view name) {
  static constexpr std::string_view kReserved[] = {"host", "content-length", "transfer-encoding",
                                                   "connection", "user-agent"};
  for (auto r : kReserved) {
    if (r.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < r.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(name[i])) == r[i];
    if (same) return true;
  }
  return false;
}

std::string host_header(const Url& url) {
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  bool default_port = url.port == (url.tls ? "443" : "80");
  return default_port ? host : host + ":" + url.port;
}

// "timeout" when the deadline passed, else "<stage>: <reason>".
std::string failure(const char* stage, const error_code& ec, bool deadline_passed = false) {
  if (deadline_passed || ec == beast::error::timeout) return "timeout";
  return std::string(stage) + ": " + ec.message();
}

// Writes the request and reads the response on an established stream (plain or TLS).
template <class Stream>
awaitable<void> exchange(Stream& stream, bhttp::request<bhttp::string_body>& request,
                         ClientResponse& out) {
  error_code ec;
  co_await bhttp::async_write(stream, request, asio::redirect_error(use_awaitable, ec));
  if (ec) {
    out.error = failure("write", ec);
    co_return;
  }
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.header_limit(kResponseHeaderLimit);
  parser.body_limit(kBodyCap);
  co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
  // A body beyond the cap is not read further: the status and what was read still count.
  if (ec && ec != bhttp::error::body_limit) {
    if (parser.is_header_done()) out.status = static_cast<int>(parser.get().result_int());
    out.error = failure("read", ec);
    co_return;
  }
  out.status = static_cast<int>(parser.get().result_int());
  out.body = std::move(parser.get().body());
}

}  // namespace

bool parse_url(const std::string& url, Url& out) {
  std::string_view rest = url;
  Url u;
  if (starts_with_nocase(rest, "https://")) {
    u.tls = true;
    rest.remove_prefix(8);
  } else if (starts_with_nocase(rest, "http://")) {
    rest.remove_prefix(7);
  } else {
    return false;
  }
  for (unsigned char c : rest)
    if (c <= 0x20 || c >= 0x7f) return false;
  std::size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  std::string_view tail = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  // No userinfo: credentials in URLs would end up in logs and Referers.
  if (authority.find('@') != std::string_view::npos || authority.empty()) return false;
  std::string_view port;
  if (authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos || close < 2) return false;
    std::string_view host = authority.substr(1, close - 1);
    for (char c : host)
      if (!v6_char(c)) return false;
    u.host = std::string(host);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return false;
      port = after.substr(1);
      if (port.empty()) return false;
    }
  } else {
    std::size_t colon = authority.find(':');
    std::string_view host = authority.substr(0, colon);
    if (host.empty()) return false;
    for (char c : host)
      if (!host_char(c)) return false;
    u.host = std::string(host);
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) return false;
    }
  }
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos)
      return false;
    unsigned long n = std::stoul(std::string(port));
    if (n == 0 || n > 65535) return false;
    u.port = std::to_string(n);
  } else {
    u.port = u.tls ? "443" : "80";
  }
  std::string_view target = tail.substr(0, tail.find('#'));  // fragments stay with the client
  if (target.empty() || target.front() == '?') u.target = "/" + std::string(target);
  else u.target = std::string(target);
  out = std::move(u);
  return true;
}

awaitable<ClientResponse> post(std::string url,
                               std::vector<std::pair<std::string, std::string>> headers,
                               std::string body, std::chrono::milliseconds timeout) {
  ClientResponse out;
  Url u;
  if (!parse_url(url, u)) {
    out.error = "bad url";
    co_return out;
  }
  auto executor = co_await asio::this_coro::executor;
  auto deadline = std::chrono::steady_clock::now() + timeout;

  // Resolve under the deadline: a watchdog cancels the resolver. Both live in shared
  // pointers because the watchdog's handler may run after this coroutine has moved on.
  auto resolver = std::make_shared<tcp::resolver>(executor);
  auto expired = std::make_shared<bool>(false);
  asio::steady_timer watchdog(executor, deadline);
  watchdog.async_wait([resolver, expired](error_code ec) {
    if (ec) return;
    *expired = true;
    resolver->cancel();
  });
  error_code ec;
  auto endpoints = co_await resolver->async_resolve(u.host, u.port,
                                                    asio::redirect_error(use_awaitable, ec));
  watchdog.cancel();
  if (ec || *expired) {
    out.error = failure("resolve", ec, *expired);
    co_return out;
  }

  bhttp::request<bhttp::string_body> request{bhttp::verb::post, u.target, 11};
  request.set(bhttp::field::host, host_header(u));
  request.set(bhttp::field::user_agent, "postern");
  for (auto& [name, value] : headers) {
    bool clean = !name.empty() && name.find_first_of(":\r\n\0 ", 0, 5) == std::string::npos &&
                 value.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos;
    if (clean && !reserved_field(name)) request.set(name, value);
  }
  request.body() = std::move(body);
  request.content_length(request.body().size());
  request.keep_alive(false);

  if (!u.tls) {
    beast::tcp_stream stream(executor);
    stream.expires_at(deadline);
    co_await stream.async_connect(endpoints, asio::redirect_error(use_awaitable, ec));
    if (ec) {
      out.error = failure("connect", ec);
      co_return out;
    }
    co_await exchange(stream, request, out);
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    co_return out;
  }

  beast::ssl_stream<beast::tcp_stream> stream(executor, client_context());
  auto& tcp_layer = beast::get_lowest_layer(stream);
  tcp_layer.expires_at(deadline);
  co_await tcp_layer.async_connect(endpoints, asio::redirect_error(use_awaitable, ec));
  if (ec) {
    out.error = failure("connect", ec);
    co_return out;
  }
  // RFC 6066 §3: SNI carries names only; RFC 6125: the certificate must match the host.
  SSL* ssl = stream.native_handle();
  asio::ip::make_address(u.host, ec);
  bool is_ip = !ec;
  if (!is_ip) {
    SSL_set_tlsext_host_name(ssl, u.host.c_str());
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    SSL_set1_host(ssl, u.host.c_str());
  } else {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), u.host.c_str());
  }
  ec = {};
  co_await stream.async_handshake(asio::ssl::stream_base::client,
                                  asio::redirect_error(use_awaitable, ec));
  if (ec) {
    out.error = failure("tls", ec);
    co_return out;
  }
  co_await exchange(stream, request, out);
  // No TLS close_notify round trip: the response is complete, the deadline may be near.
  tcp_layer.socket().shutdown(tcp::socket::shutdown_both, ec);
  co_return out;
}

}  // namespace postern::http
