// SlidingWindowCounters: in-process event counters per key over a sliding window, for rate
// limits (policy) and the failed-AUTH throttle (auth). Each key keeps two fixed buckets (this
// window and the previous one) and estimates the sliding count as previous * (unelapsed
// fraction) + current: O(1) memory per key, exact on window boundaries, otherwise accurate to
// the assumption that the previous window's events were evenly spread. At most `max_keys`
// keys: the least recently touched is evicted first. Thread-safe (one mutex).
#pragma once
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>

#include "base/time.h"

namespace postern::policy {

class SlidingWindowCounters {
 public:
  struct Limit {
    std::string key;
    std::int64_t max = 0;  // events allowed per window
    Millis window = 0;     // > 0
  };

  explicit SlidingWindowCounters(std::size_t max_keys = 100000);

  // Counts one event under every key if none would pass its max (all or nothing); otherwise
  // returns the index of the first limit that would be passed.
  std::optional<std::size_t> try_add(std::span<const Limit> limits, Millis now);
  void add(const std::string& key, Millis window, Millis now);
  // The sliding-window estimate of events under `key` (0 for an unknown key).
  double count(const std::string& key, Millis window, Millis now);
  void erase(const std::string& key);
  std::size_t size() const;

 private:
  struct Entry {
    Millis window = 0;
    Millis start = 0;  // of the current bucket, a multiple of window
    std::int64_t current = 0, previous = 0;
    std::list<std::string>::iterator lru;
  };
  // The caller holds mu_. Creates (evicting if full) and rolls the buckets forward.
  Entry& touch(const std::string& key, Millis window, Millis now);
  static double estimate(const Entry& e, Millis now);

  mutable std::mutex mu_;
  std::size_t max_keys_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_;  // front = least recently touched
};

}  // namespace postern::policy
