#include "policy/window_counters.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace postern::policy {
namespace {

using Limit = SlidingWindowCounters::Limit;

TEST(SlidingWindowCounters, AllowsUpToTheLimitThenSlides) {
  SlidingWindowCounters c;
  std::vector<Limit> limit{{"k", 3, 1000}};
  const Millis t0 = 1'000'000;
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(c.try_add(limit, t0 + i).has_value());
  EXPECT_EQ(c.try_add(limit, t0 + 10), 0u);
  // Half way through the next window half of the previous one still counts: 1.5 + 1 <= 3.
  EXPECT_FALSE(c.try_add(limit, t0 + 1500).has_value());
  EXPECT_TRUE(c.try_add(limit, t0 + 1500).has_value());  // 1.5 + 1 + 1 > 3
  // Two windows later everything is forgotten.
  EXPECT_DOUBLE_EQ(c.count("k", 1000, t0 + 3000), 0.0);
}

TEST(SlidingWindowCounters, AllOrNothingAcrossKeys) {
  SlidingWindowCounters c;
  std::vector<Limit> both{{"user", 10, 1000}, {"account", 1, 1000}};
  EXPECT_FALSE(c.try_add(both, 0).has_value());
  EXPECT_EQ(c.try_add(both, 1), 1u);  // the account refuses ...
  EXPECT_DOUBLE_EQ(c.count("user", 1000, 1), 1.0);  // ... and the user was not counted
}

TEST(SlidingWindowCounters, BoundedByEvictingTheLeastRecentlyTouched) {
  SlidingWindowCounters c(10);
  for (int i = 0; i < 10; ++i) c.add("k" + std::to_string(i), 1000, 0);
  c.add("k0", 1000, 1);  // k0 is now the most recent; k1 the oldest
  c.add("new", 1000, 2);
  EXPECT_EQ(c.size(), 10u);
  EXPECT_DOUBLE_EQ(c.count("k1", 1000, 3), 0.0);
  EXPECT_DOUBLE_EQ(c.count("k0", 1000, 3), 2.0);
}

TEST(SlidingWindowCounters, ExactUnderThreads) {
  SlidingWindowCounters c;
  std::vector<Limit> limit{{"k", 500, 60000}};
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i)
        if (!c.try_add(limit, 5).has_value()) ++allowed;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(allowed.load(), 500);
}

}  // namespace
}  // namespace postern::policy
