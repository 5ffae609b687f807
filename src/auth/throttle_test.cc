#include "auth/throttle.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace postern::auth {
namespace {

using std::chrono::milliseconds;

// What the session does for one bad-password attempt: 454 when refused, else a failure.
bool attempt_is_refused(FailureThrottle& t, const std::string& ip, const std::string& user,
                        Millis now) {
  if (t.before_auth(ip, user, now).refuse) return true;
  t.record_failure(ip, user, now);
  return false;
}

TEST(FailureThrottle, ThousandFailuresFromOneIpAreThrottledButTheUserStillLogsInElsewhere) {
  FailureThrottle t(throttle_options(30, 600));
  const Millis now = 1'000'000;
  int refused = 0;
  for (int i = 0; i < 1000; ++i)
    refused += attempt_is_refused(t, "203.0.113.66", "crm-mailer", now + i) ? 1 : 0;
  EXPECT_EQ(refused, 1000 - 10);  // the (username, IP) limit comes first
  EXPECT_TRUE(t.before_auth("203.0.113.66", "crm-mailer", now + 1000).refuse);
  // Spraying usernames from one IP: the whole IP is refused after 30.
  refused = 0;
  for (int i = 0; i < 1000; ++i)
    refused += attempt_is_refused(t, "203.0.113.77", "user" + std::to_string(i), now + i) ? 1 : 0;
  EXPECT_EQ(refused, 1000 - 30);
  EXPECT_TRUE(t.before_auth("203.0.113.77", "crm-mailer", now + 1000).refuse);
  // The legitimate app, same user, from its allowed IP: no refusal and no delay, even for a
  // typo now and then.
  ThrottleCheck legit = t.before_auth("192.0.2.10", "crm-mailer", now + 1000);
  EXPECT_FALSE(legit.refuse);
  EXPECT_EQ(legit.delay, milliseconds(0));
  EXPECT_EQ(t.record_failure("192.0.2.10", "crm-mailer", now + 1001), milliseconds(0));
  t.record_success("192.0.2.10", "crm-mailer", now + 1002);
}

TEST(FailureThrottle, ChecksRunAtMostTwoAtATimePerSource) {
  FailureThrottle t(throttle_options(30, 600));
  // A flood of concurrent guesses from one address: two checks at a time.
  EXPECT_TRUE(t.try_start_check("203.0.113.9"));
  EXPECT_TRUE(t.try_start_check("203.0.113.9"));
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(t.try_start_check("203.0.113.9"));
  EXPECT_EQ(t.checks_under_way("203.0.113.9"), 2u);
  // Other sources have their own slots; an IPv6 /64 is one source.
  EXPECT_TRUE(t.try_start_check("192.0.2.10"));
  EXPECT_TRUE(t.try_start_check("2001:db8::1"));
  EXPECT_TRUE(t.try_start_check("2001:db8::2"));
  EXPECT_FALSE(t.try_start_check("2001:db8::3"));
  // A finished check frees its slot.
  t.check_finished("203.0.113.9");
  EXPECT_EQ(t.checks_under_way("203.0.113.9"), 1u);
  EXPECT_TRUE(t.try_start_check("203.0.113.9"));
  EXPECT_FALSE(t.try_start_check("203.0.113.9"));
  t.check_finished("203.0.113.9");
  t.check_finished("203.0.113.9");
  t.check_finished("203.0.113.9");  // an extra finish is ignored
  EXPECT_EQ(t.checks_under_way("203.0.113.9"), 0u);
  // 0 = no limit.
  ThrottleOptions unlimited = throttle_options(30, 600);
  unlimited.max_checks_per_source = 0;
  FailureThrottle u(unlimited);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(u.try_start_check("203.0.113.9"));
}

TEST(FailureThrottle, DelayGrowsExponentiallyToACap) {
  FailureThrottle t;  // 30 per IP, 10 per (user, IP)
  std::vector<milliseconds> delays;
  for (int i = 0; i < 9; ++i) delays.push_back(t.record_failure("198.51.100.1", "u", 0));
  const std::vector<milliseconds> want{milliseconds(0),    milliseconds(0),    milliseconds(0),
                                       milliseconds(250),  milliseconds(500),  milliseconds(1000),
                                       milliseconds(2000), milliseconds(4000), milliseconds(4000)};
  EXPECT_EQ(delays, want);
  EXPECT_EQ(t.before_auth("198.51.100.1", "u", 0).delay, milliseconds(4000));
}

TEST(FailureThrottle, OneUsernameFromOneIpIsRefusedBeforeTheWholeIp) {
  FailureThrottle t;
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(attempt_is_refused(t, "198.51.100.1", "App", i));
  ThrottleCheck c = t.before_auth("198.51.100.1", "app", 11);  // case-insensitive
  EXPECT_TRUE(c.refuse);
  EXPECT_NE(c.detail.find("this username"), std::string::npos);
  EXPECT_FALSE(t.before_auth("198.51.100.1", "other", 11).refuse);  // IP total is 10 < 30
}

TEST(FailureThrottle, WindowSlidesAndSuccessForgetsTheUsersFailures) {
  FailureThrottle t(throttle_options(30, 60));
  for (int i = 0; i < 10; ++i) t.record_failure("198.51.100.1", "app", 0);
  EXPECT_TRUE(t.before_auth("198.51.100.1", "app", 1).refuse);
  EXPECT_FALSE(t.before_auth("198.51.100.1", "app", 120 * 1000).refuse);  // two windows later
  for (int i = 0; i < 9; ++i) t.record_failure("198.51.100.1", "app", 200 * 1000);
  t.record_success("198.51.100.1", "app", 200 * 1000);
  t.record_failure("198.51.100.1", "app", 200 * 1000);
  EXPECT_FALSE(t.before_auth("198.51.100.1", "app", 200 * 1000).refuse);  // 1 since the success
  t.record_failure("198.51.100.1", "other", 200 * 1000);
  for (int i = 0; i < 9; ++i) t.record_failure("198.51.100.1", "other", 200 * 1000);
  EXPECT_TRUE(t.before_auth("198.51.100.1", "other", 200 * 1000).refuse);
}

TEST(FailureThrottle, ZeroDisablesTheIpLimitAndIpv6CountsPerSlash64) {
  FailureThrottle off(throttle_options(0, 600));
  for (int i = 0; i < 100; ++i) off.record_failure("198.51.100.1", "u" + std::to_string(i), 0);
  EXPECT_FALSE(off.before_auth("198.51.100.1", "fresh", 1).refuse);

  FailureThrottle t(throttle_options(5, 600));
  for (int i = 0; i < 5; ++i)
    t.record_failure("2001:db8:1:2::" + std::to_string(i + 1), "u" + std::to_string(i), 0);
  EXPECT_TRUE(t.before_auth("2001:db8:1:2:ffff::9", "x", 1).refuse);
  EXPECT_FALSE(t.before_auth("2001:db8:1:3::1", "x", 1).refuse);
}

TEST(FailureThrottle, BoundedAndThreadSafe) {
  ThrottleOptions o;
  o.max_entries = 1000;
  FailureThrottle t(o);
  std::vector<std::thread> threads;
  for (int th = 0; th < 4; ++th)
    threads.emplace_back([&, th] {
      for (int i = 0; i < 5000; ++i) {
        std::string ip = "10." + std::to_string(th) + "." + std::to_string(i / 250) + "." +
                         std::to_string(i % 250);
        t.before_auth(ip, "u", i);
        t.record_failure(ip, "u", i);
      }
    });
  for (auto& th : threads) th.join();
  SUCCEED();  // no crash, no unbounded growth (counters evict past max_entries)
}

}  // namespace
}  // namespace postern::auth
