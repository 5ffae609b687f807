// The shared rate counters of the Store contract (PolicyStore::try_add_rate), written against
// the Store interface only: every implementation must pass them. Time is always passed in, so
// the window arithmetic is tested at exact instants.
#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "storage/store_contract_test.h"

namespace postern::storage::testing {
namespace {

constexpr Millis kT0 = 1'800'000'000'000;  // a multiple of every window below

using Refused = std::optional<std::size_t>;

Refused try_add(Store& store, std::vector<RateLimitKey> limits, Millis now) {
  auto r = store.try_add_rate(limits, now);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : Refused{999};
}

// How many single events under `limit` are accepted at `now` before the first refusal.
int fill(Store& store, const RateLimitKey& limit, Millis now) {
  int n = 0;
  while (n < 1000 && !try_add(store, {limit}, now)) ++n;
  return n;
}

TEST_P(StoreContract, RateCountsUpToItsMaxPerKey) {
  const RateLimitKey user{"user:7f3e", 3, 60'000};
  EXPECT_EQ(fill(*store_, user, kT0 + 10), 3);
  EXPECT_EQ(try_add(*store_, {user}, kT0 + 20), Refused{0});
  // Another key counts on its own, whatever its spelling (quotes, commas, braces, backslash,
  // non-ASCII).
  const RateLimitKey odd{"account:\"a,b\"{c}\\d \xc3\xa9", 2, 60'000};
  EXPECT_EQ(fill(*store_, odd, kT0 + 30), 2);
  EXPECT_EQ(try_add(*store_, {user}, kT0 + 40), Refused{0});
}

TEST_P(StoreContract, RateNothingToCountIsAcceptedAndMaxZeroRefusesAll) {
  EXPECT_EQ(try_add(*store_, {}, kT0), Refused{});
  EXPECT_EQ(try_add(*store_, {{"user:z", 0, 1000}}, kT0), Refused{0});
  EXPECT_EQ(fill(*store_, {"user:z", 1, 1000}, kT0), 1);  // the refusal counted nothing
}

TEST_P(StoreContract, RateIsAllOrNothingAndNamesTheFirstLimitPassed) {
  const RateLimitKey user{"user:u", 5, 60'000};
  const RateLimitKey account{"account:1", 2, 60'000};
  EXPECT_EQ(try_add(*store_, {user, account}, kT0), Refused{});
  EXPECT_EQ(try_add(*store_, {user, account}, kT0), Refused{});
  EXPECT_EQ(try_add(*store_, {user, account}, kT0), Refused{1});  // the account is full
  EXPECT_EQ(try_add(*store_, {account, user}, kT0), Refused{0});
  // Those refusals did not count the user: 3 of its 5 are left.
  EXPECT_EQ(fill(*store_, user, kT0), 3);
  // Both full: the first in the caller's order is named.
  EXPECT_EQ(try_add(*store_, {user, account}, kT0), Refused{0});
  EXPECT_EQ(try_add(*store_, {account, user}, kT0), Refused{0});
}

TEST_P(StoreContract, RateWindowRollsOverWithTheSlidingEstimate) {
  const RateLimitKey k{"user:roll", 4, 1000};
  EXPECT_EQ(fill(*store_, k, kT0), 4);
  EXPECT_EQ(try_add(*store_, {k}, kT0 + 999), Refused{0});
  // Next bucket, at its start: the previous one still weighs in full.
  EXPECT_EQ(try_add(*store_, {k}, kT0 + 1000), Refused{0});
  // Half-way: 4 * 0.5 = 2, so two more fit (2 + 1, 3 + 1 <= 4).
  EXPECT_EQ(fill(*store_, k, kT0 + 1500), 2);
  // At kT0 + 2000 the previous bucket holds those 2 and weighs in full: two more.
  EXPECT_EQ(fill(*store_, k, kT0 + 2000), 2);
  // 3/4 into that bucket: 2 * 0.25 + 2 = 2.5, so one more (3.5 <= 4), then 3.5 + 1 > 4.
  EXPECT_EQ(fill(*store_, k, kT0 + 2750), 1);
  // After a gap of more than one window both buckets are empty.
  EXPECT_EQ(fill(*store_, k, kT0 + 10'000), 4);
}

TEST_P(StoreContract, RateWindowChangeStartsTheKeyAfresh) {
  EXPECT_EQ(fill(*store_, {"user:w", 2, 1000}, kT0), 2);
  EXPECT_EQ(fill(*store_, {"user:w", 2, 60'000}, kT0 + 10), 2);
  EXPECT_EQ(try_add(*store_, {{"user:w", 3, 60'000}}, kT0 + 20), Refused{});  // same window
}

TEST_P(StoreContract, RateNowBeforeTheStoredBucketCountsAsItsStart) {
  const RateLimitKey k{"user:skew", 5, 1000};
  EXPECT_EQ(try_add(*store_, {k}, kT0), Refused{});
  EXPECT_EQ(try_add(*store_, {k}, kT0), Refused{});
  // A node ahead rolls to the next bucket at +1100: 2 * 0.9 + 0, then 2 * 0.9 + 1.
  EXPECT_EQ(try_add(*store_, {k}, kT0 + 1100), Refused{});
  EXPECT_EQ(try_add(*store_, {k}, kT0 + 1100), Refused{});
  // A node behind (+900, the first bucket by its clock) counts into the stored bucket as at
  // its start: 2 * 1.0 + 2 = 4, one more fits; then 2 + 3 = 5 is full.
  EXPECT_EQ(try_add(*store_, {k}, kT0 + 900), Refused{});
  EXPECT_EQ(try_add(*store_, {k}, kT0 + 900), Refused{0});
  EXPECT_EQ(try_add(*store_, {k}, kT0 + 1100), Refused{0});  // 1.8 + 3 + 1 > 5
  EXPECT_EQ(fill(*store_, k, kT0 + 2000), 2);  // previous 3, weighing in full
}

TEST_P(StoreContract, RateFrom20ThreadsNeverPassesMax) {
  const RateLimitKey user{"user:hot", 97, 3'600'000};
  const RateLimitKey account{"account:hot", 150, 60'000};
  std::atomic<int> counted{0}, refused_user{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 20; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        std::vector<RateLimitKey> limits{user, account};
        auto r = store_->try_add_rate(limits, kT0 + 1000 + t);
        if (!r.ok())
          ++failed;
        else if (!*r)
          ++counted;
        else if (**r == 0)
          ++refused_user;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(counted.load(), 97);
  EXPECT_EQ(refused_user.load(), 200 - 97);
  // The account counted exactly the 97 accepted events: 53 of its 150 are left.
  EXPECT_EQ(fill(*store_, account, kT0 + 2000), 150 - 97);
}

}  // namespace
}  // namespace postern::storage::testing
