// auth::FailureThrottle: brute-force protection for AUTH (F19). Failed credential checks are
// counted per source IP and per (username, source IP) over a sliding window; past a few
// failures each further failure is answered after an exponential delay, and past the limits
// the source gets `454 4.7.0` without any password check. Nothing is counted per user alone,
// so an attacker hammering a username from one IP never slows or locks that user out from its
// other IPs. IPv6 sources count per /64. Bounded memory (least recently used entries are
// evicted); thread-safe.
//
// Argon2id checks are also limited per source: at most max_checks_per_source run at once for
// one IP (try_start_check / check_finished); a session that finds no free slot waits and tries
// again. Without that, a flood of concurrent guesses from one address all passed
// before_auth() (none had failed yet) and queued for Argon2id, so the failure limit never
// engaged and the queue grew with the flood (bench T4). A legitimate burst of first logins
// from one address (a NAT, a restart) is slowed, never refused: once one login has filled the
// credential cache, the others are answered from it.
#pragma once
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/time.h"
#include "policy/window_counters.h"

namespace postern::auth {

struct ThrottleOptions {
  std::uint32_t max_failures_per_ip = 30;      // [auth] max_failures_per_ip; 0 = no IP limit
  std::uint32_t max_failures_per_user_ip = 10;  // one username from one source; 0 = no limit
  Millis window = 600 * 1000;                   // [auth] failure_window
  std::uint32_t free_failures = 3;              // answered without delay
  std::chrono::milliseconds base_delay{250};    // then 250 ms, 500 ms, 1 s, 2 s, ...
  std::chrono::milliseconds max_delay{4000};
  std::size_t max_entries = 200000;
  std::uint32_t max_checks_per_source = 2;      // Argon2id checks at once per IP; 0 = no limit
};

// The options of the [auth] config section.
ThrottleOptions throttle_options(std::uint32_t max_failures_per_ip, std::uint32_t window_s);

struct ThrottleCheck {
  bool refuse = false;  // answer 454 4.7.0 now, verify nothing, log reason "throttled"
  std::chrono::milliseconds delay{0};  // what a failure of this attempt would wait
  std::string detail;   // for the auth log when refused ("ip 192.0.2.7: 30 failures in 600 s")
};

class FailureThrottle {
 public:
  explicit FailureThrottle(ThrottleOptions options = {});

  ThrottleCheck before_auth(std::string_view ip, std::string_view username, Millis now);
  // A credential failure (535): returns the delay to wait before sending the reply.
  std::chrono::milliseconds record_failure(std::string_view ip, std::string_view username,
                                           Millis now);
  // A success forgets the (username, IP) failures; the IP's count stays (one valid credential
  // must not reset the budget for guessing others).
  void record_success(std::string_view ip, std::string_view username, Millis now);
  // A check that may cost Argon2id starts for this source, when one of its slots is free
  // (see above); false: none is, try again a little later. Every true is followed by exactly
  // one check_finished().
  bool try_start_check(std::string_view ip);
  void check_finished(std::string_view ip);
  // Unfinished checks of this source (tests, logs).
  std::uint32_t checks_under_way(std::string_view ip) const;

  const ThrottleOptions& options() const { return options_; }

 private:
  std::chrono::milliseconds delay_for(double failures) const;

  ThrottleOptions options_;
  policy::SlidingWindowCounters counters_;
  mutable std::mutex in_flight_mu_;
  std::unordered_map<std::string, std::uint32_t> in_flight_;  // source key -> checks under way
};

}  // namespace postern::auth
