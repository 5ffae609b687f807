#include "auth/throttle.h"

#include <algorithm>
#include <cmath>

#include "policy/ip_allow_list.h"

namespace postern::auth {
namespace {

// The source as counted: an IPv4 address, an IPv6 /64 (one host owns a whole /64), or the
// text itself when it is not an address.
std::string source_key(std::string_view ip) {
  auto parsed = policy::parse_ip(ip);
  if (!parsed) return "ip:" + std::string(ip.substr(0, 64));
  if (parsed->v4) return "ip:" + parsed->str();
  std::fill(parsed->bytes.begin() + 8, parsed->bytes.end(), 0);
  return "ip:" + parsed->str() + "/64";
}

// Usernames compare case-insensitively; what an attacker sends is capped.
std::string user_key(std::string_view username, const std::string& source) {
  std::string name(username.substr(0, 128));
  for (char& c : name)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return "user:" + name + "\n" + source;
}

}  // namespace

ThrottleOptions throttle_options(std::uint32_t max_failures_per_ip, std::uint32_t window_s) {
  ThrottleOptions o;
  o.max_failures_per_ip = max_failures_per_ip;
  o.window = static_cast<Millis>(std::max<std::uint32_t>(window_s, 1)) * 1000;
  return o;
}

FailureThrottle::FailureThrottle(ThrottleOptions options)
    : options_(options), counters_(options.max_entries) {}

std::chrono::milliseconds FailureThrottle::delay_for(double failures) const {
  const double over = std::floor(failures + 1e-9) - options_.free_failures;
  if (over <= 0) return std::chrono::milliseconds(0);
  const double factor = std::pow(2.0, std::min(over - 1, 30.0));
  const double ms = static_cast<double>(options_.base_delay.count()) * factor;
  return std::chrono::milliseconds(
      static_cast<std::int64_t>(std::min(ms, static_cast<double>(options_.max_delay.count()))));
}

ThrottleCheck FailureThrottle::before_auth(std::string_view ip, std::string_view username,
                                           Millis now) {
  const std::string source = source_key(ip);
  const double by_ip = counters_.count(source, options_.window, now);
  const double by_user = counters_.count(user_key(username, source), options_.window, now);
  ThrottleCheck check;
  const long window_s = static_cast<long>(options_.window / 1000);
  if (options_.max_failures_per_ip > 0 && by_ip >= options_.max_failures_per_ip) {
    check.refuse = true;
    check.detail = source.substr(3) + ": " + std::to_string(static_cast<long>(by_ip)) +
                   " failed AUTHs in " + std::to_string(window_s) + " s";
  } else if (options_.max_failures_per_user_ip > 0 && by_user >= options_.max_failures_per_user_ip) {
    check.refuse = true;
    check.detail = "this username from " + source.substr(3) + ": " +
                   std::to_string(static_cast<long>(by_user)) + " failed AUTHs in " +
                   std::to_string(window_s) + " s";
  }
  check.delay = delay_for(std::max(by_ip, by_user) + 1);
  return check;
}

std::chrono::milliseconds FailureThrottle::record_failure(std::string_view ip,
                                                          std::string_view username, Millis now) {
  const std::string source = source_key(ip);
  const std::string user = user_key(username, source);
  counters_.add(source, options_.window, now);
  counters_.add(user, options_.window, now);
  return delay_for(std::max(counters_.count(source, options_.window, now),
                            counters_.count(user, options_.window, now)));
}

bool FailureThrottle::try_start_check(std::string_view ip) {
  std::string source = source_key(ip);
  std::lock_guard lock(in_flight_mu_);
  std::uint32_t& n = in_flight_[std::move(source)];
  if (options_.max_checks_per_source > 0 && n >= options_.max_checks_per_source) return false;
  ++n;
  return true;
}

void FailureThrottle::check_finished(std::string_view ip) {
  const std::string source = source_key(ip);
  std::lock_guard lock(in_flight_mu_);
  auto it = in_flight_.find(source);
  if (it == in_flight_.end()) return;
  if (--it->second == 0) in_flight_.erase(it);  // the map holds only sources with checks
}

std::uint32_t FailureThrottle::checks_under_way(std::string_view ip) const {
  const std::string source = source_key(ip);
  std::lock_guard lock(in_flight_mu_);
  auto it = in_flight_.find(source);
  return it == in_flight_.end() ? 0 : it->second;
}

void FailureThrottle::record_success(std::string_view ip, std::string_view username, Millis) {
  counters_.erase(user_key(username, source_key(ip)));
}

}  // namespace postern::auth
