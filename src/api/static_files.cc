#include "api/static_files.h"

#include <fstream>
#include <sstream>
#include <string_view>

#ifdef POSTERN_HAVE_WEBUI
#include "webui/assets.h"
#endif

namespace postern::api {
namespace {

constexpr char kCsp[] = "default-src 'self'; frame-ancestors 'none'";

std::string content_type_for(std::string_view path) {
  auto ends = [&](std::string_view ext) {
    return path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".json")) return "application/json";
  if (ends(".woff2")) return "font/woff2";
  return "application/octet-stream";
}

bool safe_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  std::size_t start = 1;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view seg = path.substr(start, end - start);
    if (seg == ".." || seg == "." || (!seg.empty() && seg.front() == '.')) return false;
    start = end + 1;
  }
  return path.find('\0') == std::string_view::npos && path.find('\\') == std::string_view::npos;
}

std::optional<http::Response> from_directory(const std::string& dir, const std::string& path) {
  std::string relative = (path == "/" ? std::string("/index.html") : path);
  std::ifstream in(dir + relative, std::ios::binary);
  if (!in) {
    // "/assets/app.js" may live at web/app.js.
    constexpr std::string_view kPrefix = "/assets/";
    if (relative.rfind(kPrefix, 0) != 0) return std::nullopt;
    relative = relative.substr(kPrefix.size() - 1);
    in.open(dir + relative, std::ios::binary);
    if (!in) return std::nullopt;
  }
  std::ostringstream body;
  body << in.rdbuf();
  http::Response r;
  r.content_type = content_type_for(relative);
  r.body = body.str();
  return r;
}

}  // namespace

std::optional<http::Response> static_file(const std::string& assets_dir, const std::string& path) {
  if (!safe_path(path)) return std::nullopt;
  std::optional<http::Response> found;
  if (!assets_dir.empty()) {
    found = from_directory(assets_dir, path);
  } else {
#ifdef POSTERN_HAVE_WEBUI
    if (const webui::Asset* asset = webui::find_asset(path)) {
      http::Response r;
      r.content_type = std::string(asset->content_type);
      r.body = std::string(asset->body);
      found = std::move(r);
    }
#endif
  }
  if (!found) return std::nullopt;
  if (found->content_type.rfind("text/html", 0) == 0) {
    found->headers.emplace_back("Content-Security-Policy", kCsp);
    found->headers.emplace_back("X-Frame-Options", "DENY");
    found->headers.emplace_back("Referrer-Policy", "no-referrer");
  }
  return found;
}

}  // namespace postern::api
