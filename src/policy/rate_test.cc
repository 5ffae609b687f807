#include "policy/rate.h"

#include <gtest/gtest.h>

#include "policy/lockdown_record.h"

namespace postern::policy {
namespace {

TEST(Rate, Parses) {
  EXPECT_EQ(parse_rate("100/m")->count, 100);
  EXPECT_EQ(parse_rate("100/m")->window, 60000);
  EXPECT_EQ(parse_rate("5/s")->window, 1000);
  EXPECT_EQ(parse_rate("5000/h")->window, 3600000);
  EXPECT_EQ(parse_rate("1/d")->window, 86400000);
  for (std::string_view bad : {"", "none", "0/m", "-1/m", "10", "10/x", "10/mm", "/m", "a/m"})
    EXPECT_FALSE(parse_rate(bad).has_value()) << bad;
}

TEST(Rate, QuotaPeriodStartsAreUtcCalendarPeriods) {
  const Millis t = 1795806131000;  // 2026-11-27T19:02:11Z
  EXPECT_EQ(quota_period_start("day", t), 1795737600000);    // 2026-11-27T00:00:00Z
  EXPECT_EQ(quota_period_start("month", t), 1793491200000);  // 2026-11-01T00:00:00Z
  EXPECT_EQ(quota_period_start("total", t), 0);
}

TEST(LockdownRecord, Grammar) {
  using V = std::vector<std::string>;
  EXPECT_EQ(parse_lockdown_record("v=pl1 auth=App1"), V{"app1"});
  EXPECT_EQ(parse_lockdown_record("V=PL1  auth=a,b,,c  auth=d x=y"), (V{"a", "b", "c", "d"}));
  EXPECT_EQ(parse_lockdown_record("v=pl1"), V{});  // lists nobody
  EXPECT_FALSE(parse_lockdown_record("v=spf1 include:x").has_value());
  EXPECT_FALSE(parse_lockdown_record("auth=a v=pl1").has_value());
  EXPECT_FALSE(parse_lockdown_record("").has_value());
}

}  // namespace
}  // namespace postern::policy
