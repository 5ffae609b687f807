#include "http/router.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <utility>

namespace postern::http {
namespace {

// "/a/b/" and "/a/b" are the same route: one trailing slash is tolerated. "/" has no segments.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return out;
  std::size_t start = 0;
  for (;;) {
    std::size_t slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

bool is_capture(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Matches path segments against a pattern; fills params with the captures.
bool match(const std::vector<std::string>& pattern, const std::vector<std::string_view>& path,
           Params& params) {
  if (pattern.size() != path.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (is_capture(pattern[i])) {
      if (path[i].empty()) return false;
      params[pattern[i].substr(1, pattern[i].size() - 2)] = std::string(path[i]);
    } else if (pattern[i] != path[i]) {
      return false;
    }
  }
  return true;
}

// Literal segments beat captures, left to right: "/users/export" wins over "/users/{name}".
bool more_specific(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    bool la = !is_capture(a[i]);
    bool lb = !is_capture(b[i]);
    if (la != lb) return la;
  }
  return false;
}

Response error_response(int status, const char* message) {
  Response r;
  r.status = status;
  r.body = std::string("{\"error\":\"") + message + "\"}";
  return r;
}

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler) {
  Entry entry;
  for (auto segment : split_path(pattern)) entry.segments.emplace_back(segment);
  entry.method = std::move(method);
  entry.pattern = std::move(pattern);
  entry.handler = std::move(handler);
  entries_.push_back(std::move(entry));
}

Response Router::dispatch(const Request& request) const {
  auto path = split_path(request.path);
  const Entry* best = nullptr;
  const Entry* best_get = nullptr;  // HEAD falls back to GET (RFC 9110 §9.3.2)
  Params best_params;
  Params get_params;
  std::set<std::string> allowed;
  for (const auto& entry : entries_) {
    Params params;
    if (!match(entry.segments, path, params)) continue;
    allowed.insert(entry.method);
    if (entry.method == request.method) {
      if (!best || more_specific(entry.segments, best->segments)) {
        best = &entry;
        best_params = std::move(params);
      }
    } else if (request.method == "HEAD" && entry.method == "GET") {
      if (!best_get || more_specific(entry.segments, best_get->segments)) {
        best_get = &entry;
        get_params = std::move(params);
      }
    }
  }
  if (best) return best->handler(request, best_params);
  if (best_get) return best_get->handler(request, get_params);
  if (allowed.empty()) return error_response(404, "no such route");
  if (allowed.count("GET")) allowed.insert("HEAD");
  std::string allow;
  for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
  Response r = error_response(405, "method not allowed");
  r.headers.emplace_back("Allow", std::move(allow));
  return r;
}

std::vector<Route> Router::routes() const {
  std::vector<Route> out;
  out.reserve(entries_.size());
  for (const auto& entry : entries_) out.push_back(Route{entry.method, entry.pattern});
  return out;
}

}  // namespace postern::http
