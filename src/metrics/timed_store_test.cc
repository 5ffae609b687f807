#include <gtest/gtest.h>

#include "metrics/timed_store.h"
#include "storage/testing/temp_dir.h"

using namespace postern;
using namespace postern::metrics;

namespace {

std::uint64_t count_of(Registry& r, const std::string& op) {
  return r
      .histogram("postern_store_operation_seconds", "Store calls by operation.",
                 fast_latency_buckets(), {{"op", op}})
      .snapshot()
      .count;
}

}  // namespace

TEST(TimedStore, ForwardsAndCountsEachCall) {
  storage::testing::TempDir dir;
  auto inner = storage::open_store("sqlite:" + dir.file("t.db"));
  ASSERT_TRUE(inner.ok()) << inner.error().message;
  Registry r;
  TimedStore store(**inner, r);
  EXPECT_EQ(r.render(), "");  // nothing until an operation is used

  auto created = store.create_account("acme");
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_TRUE(store.find_account("acme").has_value());  // forwarded: the inner store has it
  EXPECT_TRUE((*inner)->find_account("acme").has_value());
  EXPECT_FALSE(store.find_account("nobody").has_value());
  EXPECT_EQ(store.list_accounts().size(), 1u);

  EXPECT_EQ(count_of(r, "create_account"), 1u);
  EXPECT_EQ(count_of(r, "find_account"), 2u);
  EXPECT_EQ(count_of(r, "list_accounts"), 1u);
  std::string text = r.render();
  EXPECT_NE(text.find("# TYPE postern_store_operation_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("postern_store_operation_seconds_count{op=\"find_account\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("op=\"list_users\""), std::string::npos);  // unused ops are not listed
}

TEST(TimedStore, ErrorsAreForwardedAndStillTimed) {
  storage::testing::TempDir dir;
  auto inner = storage::open_store("sqlite:" + dir.file("t.db"));
  ASSERT_TRUE(inner.ok());
  Registry r;
  TimedStore store(**inner, r);
  ASSERT_TRUE(store.create_account("acme").ok());
  auto again = store.create_account("acme");
  EXPECT_FALSE(again.ok());  // the inner store's Error comes back unchanged
  EXPECT_EQ(count_of(r, "create_account"), 2u);
  EXPECT_FALSE(store.set_account_status("nobody", storage::AccountStatus::Suspended, "x").ok());
  EXPECT_EQ(count_of(r, "set_account_status"), 1u);
}

TEST(TimedStore, SharedRateCountersAreForwardedAndTimed) {
  storage::testing::TempDir dir;
  auto inner = storage::open_store("sqlite:" + dir.file("t.db"));
  ASSERT_TRUE(inner.ok());
  Registry r;
  TimedStore store(**inner, r);
  std::vector<storage::RateLimitKey> limits{{"user:x", 1, 60'000}};
  auto first = store.try_add_rate(limits, 1000);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_FALSE(first->has_value());
  auto second = (*inner)->try_add_rate(limits, 1000);  // the inner store counted the first
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, std::optional<std::size_t>(0));
  EXPECT_EQ(count_of(r, "try_add_rate"), 1u);
}
