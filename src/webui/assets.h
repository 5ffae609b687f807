// webui: the dashboard's static files (web/), compiled into the binary so that Postern serves
// every asset itself (no CDN, no files to install). Generated at build time from web/ by
// cmake/embed_assets.cmake; the API serves them at "/" (api/api.h).
#pragma once
#include <string_view>

namespace postern::webui {

struct Asset {
  std::string_view content_type;  // "text/html; charset=utf-8", "text/javascript", ...
  std::string_view body;
};

// path as requested: "/" and "/index.html" give index.html; "/app.js"; nullptr when unknown.
const Asset* find_asset(std::string_view path);

}  // namespace postern::webui
