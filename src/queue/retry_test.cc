#include <gtest/gtest.h>

#include "queue/retry.h"

using postern::queue::RetryPolicy;

TEST(RetryPolicy, FollowsTheScheduleThenRepeatsTheLastStep) {
  RetryPolicy p;
  EXPECT_EQ(p.base_delay_s(1), 60);
  EXPECT_EQ(p.base_delay_s(2), 300);
  EXPECT_EQ(p.base_delay_s(7), 14400);
  EXPECT_EQ(p.base_delay_s(50), 14400);
  EXPECT_EQ(p.base_delay_s(0), 60);
}

TEST(RetryPolicy, JitterStaysWithinTenPercent) {
  RetryPolicy p;
  EXPECT_EQ(p.next_attempt(1000, 1, 0.0), 1000 + 60000);
  EXPECT_EQ(p.next_attempt(1000, 1, 1.0), 1000 + 66000);
  EXPECT_EQ(p.next_attempt(1000, 1, -1.0), 1000 + 54000);
  EXPECT_EQ(p.next_attempt(1000, 1, 7.0), 1000 + 66000);  // clamped
}

TEST(RetryPolicy, ExpiresAtMaxAge) {
  RetryPolicy p;
  p.max_age_s = 10;
  EXPECT_FALSE(p.expired(0, 9999));
  EXPECT_TRUE(p.expired(0, 10000));
}

TEST(RetryPolicy, NeverSoonerThanOneSecond) {
  RetryPolicy p;
  p.schedule_s = {0};
  EXPECT_EQ(p.next_attempt(5000, 1, 0.0), 6000);
}
