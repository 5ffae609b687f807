// The dashboard's static files: from a directory (Dependencies::assets_dir, for development)
// or compiled into the binary (webui::find_asset). HTML answers carry a Content-Security-Policy
// that allows only Postern's own scripts and styles and forbids framing.
#pragma once
#include <optional>
#include <string>

#include "http/message.h"

namespace postern::api {

// The file for a request path ("/" and "/index.html" = the dashboard page), or nullopt.
std::optional<http::Response> static_file(const std::string& assets_dir, const std::string& path);

}  // namespace postern::api
