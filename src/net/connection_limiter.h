// net::ConnectionLimiter counts concurrent sessions per client IP so that one address cannot
// take every slot (the 421 of PRODUCT.md check 1). A Ticket releases its slot when destroyed.
// Thread-safe (one mutex; held only for a map update).
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace postern::net {

class ConnectionLimiter : public std::enable_shared_from_this<ConnectionLimiter> {
 public:
  class Ticket {
   public:
    Ticket(std::shared_ptr<ConnectionLimiter> owner, std::string ip)
        : owner_(std::move(owner)), ip_(std::move(ip)) {}
    Ticket(Ticket&&) noexcept = default;
    Ticket& operator=(Ticket&&) noexcept = default;
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket() {
      if (owner_) owner_->release(ip_);
    }

   private:
    std::shared_ptr<ConnectionLimiter> owner_;
    std::string ip_;
  };

  explicit ConnectionLimiter(std::uint32_t max_per_ip) : max_per_ip_(max_per_ip) {}
  // nullopt when the IP already holds max_per_ip sessions (0 = unlimited).
  std::optional<Ticket> acquire(const std::string& ip);
  std::uint32_t active(const std::string& ip) const;
  std::uint64_t total() const;

 private:
  void release(const std::string& ip);
  std::uint32_t max_per_ip_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::uint32_t> counts_;
  std::uint64_t total_ = 0;
};

}  // namespace postern::net
