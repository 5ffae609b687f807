#include "metrics/registry.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace postern::metrics {
namespace {

enum Type { kCounter, kGauge, kHistogram, kGaugeFn };

const char* type_name(int type) {
  switch (type) {
    case kCounter:
      return "counter";
    case kHistogram:
      return "histogram";
    default:
      return "gauge";
  }
}

bool valid_name(const std::string& name, bool colon_ok) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alpha =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon_ok && c == ':');
    bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void add_atomic(std::atomic<double>& a, double by) {
  double old = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(old, old + by, std::memory_order_relaxed)) {
  }
}

// Label values: backslash, double quote and line feed are escaped (text format 0.0.4).
std::string escape_label(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

// HELP text: backslash and line feed only.
std::string escape_help(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

// `{a="x",b="y"}`, or "" without labels; `extra` (the histogram's le) goes last.
std::string label_text(const Labels& labels, const std::string& extra = "") {
  if (labels.empty() && extra.empty()) return "";
  std::string out = "{";
  for (const auto& [k, v] : labels) {
    if (out.size() > 1) out += ',';
    out += k + "=\"" + escape_label(v) + "\"";
  }
  if (!extra.empty()) {
    if (out.size() > 1) out += ',';
    out += extra;
  }
  return out + "}";
}

}  // namespace

// Numbers as Prometheus parses them (Go ParseFloat): +Inf, -Inf, NaN, integers without a
// fraction, otherwise the shortest decimal that reads back as the same double.
std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  double mag = std::fabs(v);
  std::to_chars_result r;
  if (mag != 0 && (mag < 1e-4 || mag >= 1e21))
    r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  else
    r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

void Counter::inc(double by) {
  if (by < 0) throw std::logic_error("a counter only goes up");
  add_atomic(value_, by);
}
double Counter::value() const { return value_.load(std::memory_order_relaxed); }

void Gauge::set(double v) { value_.store(v, std::memory_order_relaxed); }
void Gauge::add(double by) { add_atomic(value_, by); }
double Gauge::value() const { return value_.load(std::memory_order_relaxed); }

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  if (!std::is_sorted(bounds_.begin(), bounds_.end()) ||
      std::adjacent_find(bounds_.begin(), bounds_.end()) != bounds_.end())
    throw std::logic_error("histogram bounds must be strictly ascending");
  if (!bounds_.empty() && std::isinf(bounds_.back())) bounds_.pop_back();  // +Inf is implied
  counts_.assign(bounds_.size() + 1, 0);
}

void Histogram::observe(double v) {
  // le is inclusive: a value equal to a bound goes into that bucket.
  auto i = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) -
                                    bounds_.begin());
  std::lock_guard lock(mu_);
  ++counts_[i];
  sum_ += v;
  ++count_;
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.bounds = bounds_;
  std::lock_guard lock(mu_);
  std::uint64_t running = 0;
  for (auto c : counts_) {
    running += c;
    s.cumulative.push_back(running);
  }
  s.sum = sum_;
  s.count = count_;
  return s;
}

struct Registry::Family {
  struct Child {
    Labels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  std::string name;
  std::string help;
  int type = kCounter;
  std::vector<double> bounds;
  std::function<double()> fn;
  mutable std::mutex mu;
  std::map<std::string, Child> children;  // by label_text(labels): rendered in that order

  Child& child(const Labels& labels) {
    for (const auto& [k, v] : labels) {
      (void)v;
      if (!valid_name(k, false) || k.rfind("__", 0) == 0 || (type == kHistogram && k == "le"))
        throw std::logic_error("invalid label name \"" + k + "\" on " + name);
    }
    std::string key = label_text(labels);
    auto it = children.find(key);
    if (it != children.end()) return it->second;
    Child c;
    c.labels = labels;
    if (type == kCounter)
      c.counter = std::make_unique<Counter>();
    else if (type == kGauge)
      c.gauge = std::make_unique<Gauge>();
    else
      c.histogram = std::make_unique<Histogram>(bounds);
    return children.emplace(std::move(key), std::move(c)).first->second;
  }
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Family& Registry::family(const std::string& name, const std::string& help, int type) {
  std::lock_guard lock(mu_);
  for (auto& f : families_) {
    if (f->name != name) continue;
    if (f->type != type) throw std::logic_error("metric " + name + " declared with two types");
    return *f;
  }
  if (!valid_name(name, true)) throw std::logic_error("invalid metric name \"" + name + "\"");
  if (type == kCounter && !ends_with(name, "_total"))
    throw std::logic_error("counter " + name + " must be named *_total");
  if (type != kCounter && type != kHistogram &&
      (ends_with(name, "_total") || ends_with(name, "_count") || ends_with(name, "_sum") ||
       ends_with(name, "_bucket")))
    throw std::logic_error("gauge " + name + " has a reserved suffix");
  auto f = std::make_unique<Family>();
  f->name = name;
  f->help = help;
  f->type = type;
  families_.push_back(std::move(f));
  return *families_.back();
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  Family& f = family(name, help, kCounter);
  std::lock_guard lock(f.mu);
  return *f.child(labels).counter;
}

void Registry::counter_family(const std::string& name, const std::string& help) {
  family(name, help, kCounter);
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  Family& f = family(name, help, kGauge);
  std::lock_guard lock(f.mu);
  return *f.child(labels).gauge;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               const std::vector<double>& bounds, const Labels& labels) {
  Family& f = family(name, help, kHistogram);
  std::lock_guard lock(f.mu);
  if (f.children.empty() && f.bounds.empty()) f.bounds = bounds;  // the first declaration wins
  return *f.child(labels).histogram;
}

void Registry::gauge_fn(const std::string& name, const std::string& help,
                        std::function<double()> fn) {
  Family& f = family(name, help, kGaugeFn);
  std::lock_guard lock(f.mu);
  if (f.fn) throw std::logic_error("gauge function " + name + " declared twice");
  f.fn = std::move(fn);
}

std::string Registry::render() const {
  std::vector<Family*> families;
  {
    std::lock_guard lock(mu_);
    for (const auto& f : families_) families.push_back(f.get());
  }
  std::string out;
  for (Family* f : families) {
    out += "# HELP " + f->name + " " + escape_help(f->help) + "\n";
    out += "# TYPE " + f->name + " " + type_name(f->type) + "\n";
    if (f->type == kGaugeFn) {
      std::function<double()> fn;
      {
        std::lock_guard lock(f->mu);
        fn = f->fn;
      }
      // Called without any registry lock: the function may take locks of its own.
      if (fn) out += f->name + " " + format_value(fn()) + "\n";
      continue;
    }
    std::lock_guard lock(f->mu);
    for (const auto& [key, child] : f->children) {
      if (child.counter) {
        out += f->name + key + " " + format_value(child.counter->value()) + "\n";
      } else if (child.gauge) {
        out += f->name + key + " " + format_value(child.gauge->value()) + "\n";
      } else {
        Histogram::Snapshot s = child.histogram->snapshot();
        for (std::size_t i = 0; i <= s.bounds.size(); ++i) {
          std::string le = i < s.bounds.size() ? format_value(s.bounds[i]) : "+Inf";
          out += f->name + "_bucket" + label_text(child.labels, "le=\"" + le + "\"") + " " +
                 std::to_string(s.cumulative[i]) + "\n";
        }
        out += f->name + "_sum" + key + " " + format_value(s.sum) + "\n";
        out += f->name + "_count" + key + " " + std::to_string(s.count) + "\n";
      }
    }
  }
  return out;
}

std::vector<double> latency_buckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,    2.5,
          5,     10,   30,    60,   120, 300,  600, 1800, 3600};
}

std::vector<double> fast_latency_buckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5};
}

}  // namespace postern::metrics
