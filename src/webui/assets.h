// webui: the dashboard's static files (web/), compiled into the binary so that Postern serves
// every asset itself (no CDN, no files to install). Generated at build time from web/ by
// cmake/embed_assets.cmake; the API serves them at "/" (api/api.h). Immutable; any thread.
//
// URL scheme: "/" and "/index.html" are web/index.html; every other file of web/ is at
// "/assets/<path relative to web/>" ("/assets/app.js", "/assets/views/users.js"), which is how
// index.html and the ES module imports reference them. Anything else is not an asset.
#pragma once
#include <string_view>

namespace postern::webui {

struct Asset {
  std::string_view content_type;  // "text/html; charset=utf-8", "text/javascript; charset=utf-8", ...
  std::string_view body;
};

// path as requested (a query string after '?' is ignored); nullptr when unknown.
const Asset* find_asset(std::string_view path);

}  // namespace postern::webui
