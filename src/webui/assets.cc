#include "webui/assets.h"

#include "webui/asset_table.h"

namespace postern::webui {

const Asset* find_asset(std::string_view path) {
  path = path.substr(0, path.find('?'));
  constexpr std::string_view kPrefix = "/assets/";
  std::string_view name;
  if (path == "/" || path == "/index.html") {
    name = "index.html";
  } else if (path.starts_with(kPrefix)) {
    name = path.substr(kPrefix.size());
  } else {
    return nullptr;
  }
  // No "..", no empty or dot segments: only the exact names of the table can match anyway,
  // and the table holds no such names, so nothing outside web/ is reachable.
  for (const auto& entry : detail::embedded_assets())
    if (entry.path == name) return &entry.asset;
  return nullptr;
}

}  // namespace postern::webui
