// webui internals: the table of embedded files that cmake/embed_assets.cmake generates from
// web/ at build time (web_assets.cc in the build directory). Paths are relative to web/
// ("index.html", "views/users.js"). Immutable, so safe to read from any thread.
#pragma once
#include <span>
#include <string_view>

#include "webui/assets.h"

namespace postern::webui::detail {

struct NamedAsset {
  std::string_view path;
  Asset asset;
};

std::span<const NamedAsset> embedded_assets();

}  // namespace postern::webui::detail
