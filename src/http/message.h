// http::Request / http::Response: plain values, free of Beast, so that the API and its tests
// never touch a socket. The server (server.h) converts to and from Beast messages.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postern::http {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw target: "/api/v1/smtp-users?account=acme"
  std::string path;    // percent-decoded path without the query: "/api/v1/smtp-users"
  std::map<std::string, std::string> query;    // decoded query parameters (last one wins)
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string peer_ip;  // client address as text

  // Header value by lower-case name, or "".
  std::string header(std::string_view lower_name) const;
  // Value of the cookie `name` from the Cookie header.
  std::optional<std::string> cookie(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Set-Cookie, ...)
  std::string body;
};

// Splits target into path (percent-decoded) and query map. False when the target is not an
// origin-form path ("/..."), has bad percent-encoding, or decodes to a NUL or "..".
bool parse_target(std::string_view target, std::string& path,
                  std::map<std::string, std::string>& query);
std::string percent_decode(std::string_view text, bool plus_is_space, bool& ok);
std::string reason_phrase(int status);

}  // namespace postern::http
