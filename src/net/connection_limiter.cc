#include "net/connection_limiter.h"

namespace postern::net {

std::optional<ConnectionLimiter::Ticket> ConnectionLimiter::acquire(const std::string& ip) {
  {
    std::lock_guard lock(mu_);
    auto& n = counts_[ip];
    if (max_per_ip_ != 0 && n >= max_per_ip_) {
      if (n == 0) counts_.erase(ip);
      return std::nullopt;
    }
    ++n;
    ++total_;
  }
  return Ticket(shared_from_this(), ip);
}

void ConnectionLimiter::release(const std::string& ip) {
  std::lock_guard lock(mu_);
  auto it = counts_.find(ip);
  if (it == counts_.end()) return;
  if (--it->second == 0) counts_.erase(it);
  --total_;
}

std::uint32_t ConnectionLimiter::active(const std::string& ip) const {
  std::lock_guard lock(mu_);
  auto it = counts_.find(ip);
  return it == counts_.end() ? 0 : it->second;
}

std::uint64_t ConnectionLimiter::total() const {
  std::lock_guard lock(mu_);
  return total_;
}

}  // namespace postern::net
