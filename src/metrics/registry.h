// metrics::Registry: counters, gauges and histograms rendered in the Prometheus text
// exposition format 0.0.4 (`promtool check metrics` must accept it). Families are declared
// once at start-up with their help text; samples are then updated lock-free-ish from any
// thread (a mutex per family, never held while rendering another family). Label values are
// escaped; names must match [a-zA-Z_:][a-zA-Z0-9_:]*. No secrets: only counts and labels
// from closed vocabularies (reasons, statuses) ever go in.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace postern::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(double by = 1);
  double value() const;

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void set(double v);
  void add(double by);
  double value() const;

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);  // upper bounds, ascending, +Inf implied
  void observe(double v);
  struct Snapshot {
    std::vector<double> bounds;
    std::vector<std::uint64_t> cumulative;  // per bound, then +Inf
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  mutable std::mutex mu_;
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;  // non-cumulative, bounds_.size() + 1
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Returns the child with these labels, created on first use; references stay valid for the
  // registry's life. Declaring the same name twice with another type throws std::logic_error.
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help,
                       const std::vector<double>& bounds, const Labels& labels = {});
  // Declares a counter family without any child yet (listed with no samples until the first
  // labelled child is made), so that it renders in declaration order from the first scrape.
  void counter_family(const std::string& name, const std::string& help);
  // A gauge computed at scrape time (queue size, active sessions). Called while rendering.
  void gauge_fn(const std::string& name, const std::string& help, std::function<double()> fn);

  std::string render() const;  // the text format, families in declaration order

 private:
  struct Family;
  Family& family(const std::string& name, const std::string& help, int type);
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Family>> families_;
};

// A sample value or bound as the text format writes it: "+Inf", "-Inf", "NaN", "3", "0.25",
// "1e-05" (shortest form that reads back as the same double).
std::string format_value(double v);

// Delivery latency / store latency buckets, in seconds.
std::vector<double> latency_buckets();       // 0.005 .. 3600 (delivery, queue to delivered)
std::vector<double> fast_latency_buckets();  // 0.0001 .. 5 (store operations)

}  // namespace postern::metrics
