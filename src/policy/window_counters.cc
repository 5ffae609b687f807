#include "policy/window_counters.h"

#include <algorithm>
#include <vector>

namespace postern::policy {

SlidingWindowCounters::SlidingWindowCounters(std::size_t max_keys)
    : max_keys_(std::max<std::size_t>(max_keys, 8)) {}  // >= the keys one try_add touches

SlidingWindowCounters::Entry& SlidingWindowCounters::touch(const std::string& key, Millis window,
                                                           Millis now) {
  if (window <= 0) window = 1;
  const Millis start = now - ((now % window) + window) % window;
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= max_keys_) {
      entries_.erase(lru_.front());
      lru_.pop_front();
    }
    lru_.push_back(key);
    it = entries_.emplace(key, Entry{window, start, 0, 0, std::prev(lru_.end())}).first;
  } else {
    lru_.splice(lru_.end(), lru_, it->second.lru);
  }
  Entry& e = it->second;
  if (e.window != window) {  // the limit's period changed: start afresh
    e = Entry{window, start, 0, 0, e.lru};
  } else if (start > e.start) {
    e.previous = start - e.start == window ? e.current : 0;
    e.current = 0;
    e.start = start;
  }
  return e;
}

double SlidingWindowCounters::estimate(const Entry& e, Millis now) {
  const double elapsed = static_cast<double>(now - e.start) / static_cast<double>(e.window);
  const double weight = elapsed >= 1.0 ? 0.0 : 1.0 - elapsed;
  return static_cast<double>(e.previous) * weight + static_cast<double>(e.current);
}

std::optional<std::size_t> SlidingWindowCounters::try_add(std::span<const Limit> limits,
                                                          Millis now) {
  std::lock_guard lock(mu_);
  std::vector<Entry*> touched;
  for (std::size_t i = 0; i < limits.size(); ++i) {
    Entry& e = touch(limits[i].key, limits[i].window, now);
    if (estimate(e, now) + 1.0 > static_cast<double>(limits[i].max) + 1e-9) return i;
    touched.push_back(&e);
  }
  for (Entry* e : touched) ++e->current;
  return std::nullopt;
}

void SlidingWindowCounters::add(const std::string& key, Millis window, Millis now) {
  std::lock_guard lock(mu_);
  ++touch(key, window, now).current;
}

double SlidingWindowCounters::count(const std::string& key, Millis window, Millis now) {
  std::lock_guard lock(mu_);
  if (entries_.find(key) == entries_.end()) return 0.0;
  return estimate(touch(key, window, now), now);
}

void SlidingWindowCounters::erase(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  lru_.erase(it->second.lru);
  entries_.erase(it);
}

std::size_t SlidingWindowCounters::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace postern::policy
