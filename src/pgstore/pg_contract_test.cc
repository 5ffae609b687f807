// The Store contract (storage/store_contract_test.cc and store_control_contract_test.cc,
// compiled into this binary) run against PgStore, each test on a fresh database of the
// shared test cluster.
#include "pgstore/pg_test_util.h"
#include "storage/store_contract_test.h"

namespace postern::pgstore::testing {
namespace {

using storage::testing::StoreContract;

std::unique_ptr<storage::Store> make_store(const std::string& /*scratch*/) {
  try {
    return open_store(cluster().create_database());
  } catch (const std::exception& e) {
    ADD_FAILURE() << e.what();
    return nullptr;
  }
}

INSTANTIATE_TEST_SUITE_P(Postgres, StoreContract,
                         ::testing::Values(storage::testing::StoreFactory{"postgres", make_store}),
                         storage::testing::factory_name);

}  // namespace
}  // namespace postern::pgstore::testing
