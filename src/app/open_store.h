// app::open_store: the store a node's config names — "sqlite:PATH" (the zero-setup default)
// or "postgresql://..." / "postgres://..." (several nodes, docs/operations/cluster.md). The
// composition root is the only place that knows both implementations.
#pragma once
#include <memory>
#include <string>

#include "base/result.h"
#include "storage/store.h"

namespace postern::app {

Result<std::unique_ptr<storage::Store>> open_store(const std::string& url);

}  // namespace postern::app
