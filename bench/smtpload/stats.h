// What one worker thread measured: counters, latency samples and the first distinct errors.
// Each thread owns one Stats (no locks on the hot path); main() merges them at the end.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace postern::bench {

using Clock = std::chrono::steady_clock;

inline double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct Stats {
  std::int64_t accepted = 0;          // final 250 after DATA
  std::int64_t failed = 0;            // claimed but not accepted (any reason)
  std::int64_t sessions = 0;          // sessions that reached the mail-ready state
  std::int64_t sessions_failed = 0;   // connect, TLS, EHLO or AUTH failed or timed out
  std::int64_t idle_alive = 0;        // idle mode: answered NOOP after the hold
  std::vector<double> setup_ms;       // connect .. AUTH accepted (or last EHLO)
  std::vector<double> message_ms;     // MAIL .. final reply
  std::vector<double> auth_ms;        // AUTH sent .. 235 (or, --expect-auth-fail, any final reply)
  std::int64_t auth_attempts = 0;     // --expect-auth-fail: AUTH exchanges started
  std::int64_t auth_expected = 0;     // units answered 535/454/421 (or refused 421 at greeting)
  std::int64_t sessions_started = 0;  // --rate: sessions launched by the open loop
  std::int64_t launches_late = 0;     // --rate: launched >100 ms after schedule (--connections full)
  std::map<std::string, std::int64_t> auth_replies;  // reply code ("535", "greeting 421") -> count
  std::map<std::string, std::int64_t> errors;

  void error(std::string what) {
    if (what.size() > 160) what.resize(160);
    if (errors.size() < 32 || errors.count(what)) ++errors[what];
  }

  void merge(Stats&& other) {
    accepted += other.accepted;
    failed += other.failed;
    sessions += other.sessions;
    sessions_failed += other.sessions_failed;
    idle_alive += other.idle_alive;
    setup_ms.insert(setup_ms.end(), other.setup_ms.begin(), other.setup_ms.end());
    message_ms.insert(message_ms.end(), other.message_ms.begin(), other.message_ms.end());
    auth_ms.insert(auth_ms.end(), other.auth_ms.begin(), other.auth_ms.end());
    auth_attempts += other.auth_attempts;
    auth_expected += other.auth_expected;
    sessions_started += other.sessions_started;
    launches_late += other.launches_late;
    for (auto& [k, v] : other.auth_replies) auth_replies[k] += v;
    for (auto& [k, v] : other.errors) errors[k] += v;
  }
};

// Nearest-rank percentile of unsorted samples (sorted in place); 0 when there are none.
inline double percentile(std::vector<double>& samples, double p) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(samples.size()) + 0.999999);
  rank = std::clamp<std::size_t>(rank, 1, samples.size());
  return samples[rank - 1];
}

}  // namespace postern::bench
