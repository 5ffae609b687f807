#include "http/message.h"

#include <cstddef>

namespace postern::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_cookie_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_cookie_space(std::string_view s) {
  while (!s.empty() && is_cookie_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_cookie_space(s.back())) s.remove_suffix(1);
  return s;
}

// RFC 3986 §3.3 / RFC 9112 §3.2.1: the raw target is visible ASCII without a fragment.
bool target_bytes_ok(std::string_view target) {
  for (unsigned char c : target)
    if (c <= 0x20 || c >= 0x7f || c == '#') return false;
  return true;
}

// The decoded path must not climb out of its root: no ".." segment, however it was encoded.
bool path_segments_ok(std::string_view path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (path.substr(start, end - start) == "..") return false;
    start = end + 1;
  }
  return true;
}

}  // namespace

std::string Request::header(std::string_view lower_name) const {
  auto it = headers.find(std::string(lower_name));
  return it == headers.end() ? std::string() : it->second;
}

// RFC 6265 §4.2.1 / §5.4: cookie-string = cookie-pair *( ";" SP cookie-pair ). Parsed leniently
// (any spacing around ';' and '='); pairs without '=' are ignored; a value in DQUOTEs loses them.
// With several pairs of the same name the first wins (the user agent lists the most specific
// path first).
std::optional<std::string> Request::cookie(std::string_view name) const {
  if (name.empty()) return std::nullopt;
  auto it = headers.find("cookie");
  if (it == headers.end()) return std::nullopt;
  std::string_view rest = it->second;
  while (!rest.empty()) {
    std::size_t semi = rest.find(';');
    std::string_view pair = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    if (trim_cookie_space(pair.substr(0, eq)) != name) continue;
    std::string_view value = trim_cookie_space(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    return std::string(value);
  }
  return std::nullopt;
}

std::string percent_decode(std::string_view text, bool plus_is_space, bool& ok) {
  ok = true;
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      int hi = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
      int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        ok = false;
        return {};
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool parse_target(std::string_view target, std::string& path,
                  std::map<std::string, std::string>& query) {
  path.clear();
  query.clear();
  // RFC 9112 §3.2.1: origin-form = absolute-path [ "?" query ]. Absolute-form, authority-form
  // and "*" are for proxies and OPTIONS, which this server is not.
  if (target.empty() || target.front() != '/' || !target_bytes_ok(target)) return false;
  std::size_t qmark = target.find('?');
  std::string_view raw_path = target.substr(0, qmark);
  bool ok = false;
  std::string decoded = percent_decode(raw_path, false, ok);
  if (!ok || decoded.find('\0') != std::string::npos || !path_segments_ok(decoded)) return false;
  if (qmark != std::string_view::npos) {
    std::string_view rest = target.substr(qmark + 1);
    while (!rest.empty()) {
      std::size_t amp = rest.find('&');
      std::string_view pair = rest.substr(0, amp);
      rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
      if (pair.empty()) continue;
      std::size_t eq = pair.find('=');
      std::string key = percent_decode(pair.substr(0, eq), true, ok);
      if (!ok) return false;
      std::string value;
      if (eq != std::string_view::npos) {
        value = percent_decode(pair.substr(eq + 1), true, ok);
        if (!ok) return false;
      }
      if (key.find('\0') != std::string::npos || value.find('\0') != std::string::npos)
        return false;
      query[std::move(key)] = std::move(value);
    }
  }
  path = std::move(decoded);
  return true;
}

std::string reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: break;
  }
  if (status >= 100 && status < 200) return "Informational";
  if (status >= 200 && status < 300) return "Success";
  if (status >= 300 && status < 400) return "Redirection";
  if (status >= 400 && status < 500) return "Client Error";
  return "Server Error";
}

}  // namespace postern::http
