#include "policy/lockdown_record.h"

#include <sstream>

#include "policy/message_headers.h"

namespace postern::policy {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

std::optional<std::vector<std::string>> parse_lockdown_record(std::string_view txt) {
  std::istringstream in{std::string(txt)};
  std::string tag;
  if (!(in >> tag) || !iequals(tag, "v=pl1")) return std::nullopt;
  std::vector<std::string> ids;
  while (in >> tag) {
    std::size_t eq = tag.find('=');
    if (eq == std::string::npos || !iequals(std::string_view(tag).substr(0, eq), "auth")) continue;
    std::string_view list = std::string_view(tag).substr(eq + 1);
    while (!list.empty()) {
      std::size_t comma = list.find(',');
      std::string_view id = list.substr(0, comma);
      if (!id.empty()) ids.push_back(lower(id));
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  return ids;
}

}  // namespace postern::policy
