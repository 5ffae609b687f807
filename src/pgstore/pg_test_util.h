// Helpers of the pgstore tests: stores on fresh databases of the shared test cluster, and a
// poll with a deadline. Test-only.
#pragma once
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "pgstore/pg_store.h"
#include "pgstore/testing/pg_cluster.h"

namespace postern::pgstore::testing {

inline PgCluster& cluster() { return PgClusterEnvironment::cluster(); }

// A PgStore on `url`; nullptr (and a test failure) when it does not open.
inline std::unique_ptr<PgStore> open_store(const std::string& url, const Options& options = {}) {
  auto s = PgStore::open(url, default_clock(), options);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? std::move(s).value() : nullptr;
}

// The database name of a test cluster URL ("postgresql://...:PORT/t_3" -> "t_3").
inline std::string database_of(const std::string& url) { return url.substr(url.rfind('/') + 1); }

// Polls `done` every 5 ms until it holds or `within` passes; returns whether it held.
inline bool eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds within = std::chrono::milliseconds(1000)) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

inline storage::SmtpUser user_named(const std::string& name) {
  storage::SmtpUser u;
  u.account_name = "acme";
  u.username = name;
  u.password_hash = "$argon2id$placeholder";
  return u;
}

}  // namespace postern::pgstore::testing
