#include "policy/scheduled_at.h"

#include <gtest/gtest.h>

namespace postern::policy {
namespace {

// 2026-11-27T19:02:11Z
constexpr Millis kT = 1795806131000;

TEST(ScheduledAt, Iso8601) {
  EXPECT_EQ(parse_scheduled_at("2026-11-27T19:02:11Z"), kT);
  EXPECT_EQ(parse_scheduled_at("2026-11-27t19:02:11z"), kT);
  EXPECT_EQ(parse_scheduled_at("2026-11-27T19:02:11.250Z"), kT + 250);
  EXPECT_EQ(parse_scheduled_at("2026-11-27T20:02:11+01:00"), kT);
  EXPECT_EQ(parse_scheduled_at("2026-11-27T14:02:11-0500"), kT);
  EXPECT_EQ(parse_scheduled_at("2026-11-27T19:02Z"), kT - 11000);
  EXPECT_EQ(parse_scheduled_at("  2026-11-27 19:02:11Z "), kT);
}

TEST(ScheduledAt, Rfc5322) {
  EXPECT_EQ(parse_scheduled_at("Fri, 27 Nov 2026 19:02:11 +0000"), kT);
  EXPECT_EQ(parse_scheduled_at("27 Nov 2026 20:02:11 +0100"), kT);
  EXPECT_EQ(parse_scheduled_at("Fri, 27 Nov 2026 14:02:11 EST"), kT);
  EXPECT_EQ(parse_scheduled_at("Fri, 27 nov 2026 19:02:11 GMT"), kT);
  EXPECT_EQ(parse_scheduled_at("Fri, 27 Nov 26 19:02:11 +0000"), kT);  // obs-year
  EXPECT_EQ(parse_scheduled_at("Fri, 27 Nov 2026 19:02 +0000"), kT - 11000);
  EXPECT_EQ(parse_scheduled_at("Fri, 27 Nov 2026 19:02:11 +0000 (UTC)"), kT);
}

TEST(ScheduledAt, RefusesMalformedOrZoneless) {
  for (std::string_view bad :
       {"", "tomorrow", "2026-11-27", "2026-11-27T19:02:11", "2026-13-01T00:00:00Z",
        "2026-02-30T00:00:00Z", "2026-11-27T24:00:00Z", "2026-11-27T19:02:11+25:00",
        "Fri, 27 Nov 2026 19:02:11", "Fri 27 Nov 2026 19:02:11 +0000",
        "Fri, 27 Foo 2026 19:02:11 +0000", "Fri, 27 Nov 2026 19:02:11 +0000 extra",
        "Fri, 27 Nov 2026 19:02:11 Z", "1795806131", "2026-11-27T19:02:11Zjunk"}) {
    EXPECT_FALSE(parse_scheduled_at(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace postern::policy
