#include "storage/store.h"

#include <cctype>

#include "storage/sqlite/sqlite_store.h"

namespace postern::storage {
namespace {

// The scheme as it may be echoed: only when it looks like one (RFC 3986 section 3.1), so
// that "user:password@host" never lands in an error message.
std::string printable_scheme(std::string_view url) {
  auto colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 16) return {};
  std::string_view scheme = url.substr(0, colon);
  if (!std::isalpha(static_cast<unsigned char>(scheme[0]))) return {};
  for (char c : scheme)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
      return {};
  if (url.substr(colon + 1).rfind("//", 0) != 0 && scheme != "sqlite") {
    // "name:secret@host" without "//" is no scheme at all; do not echo its first part.
    if (url.find('@') != std::string_view::npos) return {};
  }
  return std::string(scheme);
}

}  // namespace

Result<std::unique_ptr<Store>> open_store(const std::string& url) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.rfind(kSqlite, 0) == 0) {
    std::string path = url.substr(kSqlite.size());
    if (path.rfind("//", 0) == 0) path.erase(0, 2);  // accept "sqlite://PATH" too
    if (path.empty()) return Error{"store URL \"sqlite:\" needs a path, e.g. sqlite:var/postern.db"};
    auto store = sqlite::SqliteStore::open(path);
    if (!store) return store.error();
    return std::unique_ptr<Store>(std::move(store).value());
  }
  std::string scheme = printable_scheme(url);
  if (scheme.empty())
    return Error{"store URL must start with a scheme; supported: sqlite:PATH"};
  return Error{"unsupported store URL scheme \"" + scheme + "\"; supported: sqlite:PATH"};
}

}  // namespace postern::storage
