#include <gtest/gtest.h>

#include "net/connection_limiter.h"

using postern::net::ConnectionLimiter;

TEST(ConnectionLimiter, LimitsPerIpAndReleases) {
  auto limiter = std::make_shared<ConnectionLimiter>(2);
  auto a = limiter->acquire("192.0.2.1");
  auto b = limiter->acquire("192.0.2.1");
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(limiter->acquire("192.0.2.1").has_value());
  EXPECT_TRUE(limiter->acquire("192.0.2.2").has_value());  // temporary, released at once
  EXPECT_EQ(limiter->active("192.0.2.1"), 2u);
  a.reset();
  EXPECT_EQ(limiter->active("192.0.2.1"), 1u);
  EXPECT_TRUE(limiter->acquire("192.0.2.1").has_value());
  b.reset();
  EXPECT_EQ(limiter->total(), 0u);
}
