#include "app/open_store.h"

#include "pgstore/pg_store.h"

namespace postern::app {

Result<std::unique_ptr<storage::Store>> open_store(const std::string& url) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0)
    return pgstore::open(url);
  auto store = storage::open_store(url);
  if (!store && url.find("://") != std::string::npos && url.rfind("sqlite:", 0) != 0)
    return Error{store.error().message + " or postgresql://USER@HOST:PORT/DB"};
  return store;
}

}  // namespace postern::app
