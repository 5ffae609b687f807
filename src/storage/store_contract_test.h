// The Store contract: tests every implementation must pass, written against the Store
// interface only. An implementation's test binary compiles store_contract_test.cc and
// instantiates the suite with a factory (see sqlite/sqlite_store_test.cc).
#pragma once
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "storage/store.h"
#include "storage/testing/temp_dir.h"

namespace postern::storage::testing {

struct StoreFactory {
  std::string name;  // test-name suffix, e.g. "sqlite"
  // A fresh, empty store. `scratch` is a private directory the store may use for files.
  std::function<std::unique_ptr<Store>(const std::string& scratch)> make;
};

// Test names show "sqlite", not a byte dump of the factory.
inline void PrintTo(const StoreFactory& f, std::ostream* os) { *os << f.name; }

inline std::string factory_name(const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

class StoreContract : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override;
  // An active user of account "acme" (created on first use) with a placeholder hash.
  SmtpUser make_user(const std::string& username);
  SmtpUser create(const std::string& username);

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace postern::storage::testing
