// http::post: one HTTP/1.1 POST (http:// or https://, certificate verified against the system
// store for https) with a total timeout, used by the webhook dispatcher. Runs on the caller's
// executor as a coroutine. Never logs the body or headers.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace postern::http {

struct ClientResponse {
  int status = 0;        // 0 when no HTTP response was read
  std::string error;     // "" on an HTTP response; else what failed ("connect: ...", "timeout")
  std::string body;      // at most 64 KiB kept
};

// Parses "http://host[:port]/path" / "https://...". False on anything else.
struct Url {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;  // "/path?query", "/" when empty
};
bool parse_url(const std::string& url, Url& out);

boost::asio::awaitable<ClientResponse> post(
    std::string url, std::vector<std::pair<std::string, std::string>> headers, std::string body,
    std::chrono::milliseconds timeout);

}  // namespace postern::http
