#include "outbound/connection_pool.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace postern::outbound {
namespace asio = boost::asio;

ConnectionPool::~ConnectionPool() {
  for (auto& [name, d] : destinations_)
    for (auto& c : d.idle) c->close();
}

void ConnectionPool::expire(Destination& d, std::chrono::steady_clock::time_point now) {
  while (!d.idle.empty() && (now - d.idle.front()->idle_since >= idle_time_ ||
                             !d.idle.front()->usable())) {
    d.idle.front()->close();
    d.idle.pop_front();
    --d.open;
  }
}

asio::awaitable<ConnectionPool::Slot> ConnectionPool::acquire(const std::string& destination) {
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer wait(executor);
  for (;;) {
    {
      std::lock_guard lock(mu_);
      auto now = std::chrono::steady_clock::now();
      // Sweep every destination now and then so idle sockets do not outlive idle_time long.
      for (auto& [name, d] : destinations_) expire(d, now);
      auto& d = destinations_[destination];
      for (auto it = d.idle.rbegin(); it != d.idle.rend(); ++it) {
        if ((*it)->executor() == executor) {  // newest first: the most likely still alive
          Slot slot{*it};
          d.idle.erase(std::next(it).base());
          slot.idle->reused = true;
          co_return slot;
        }
      }
      if (d.open < max_) {
        ++d.open;
        co_return Slot{};
      }
      if (!d.idle.empty()) {  // full, but with an idle connection on another event loop
        d.idle.front()->close();
        d.idle.pop_front();
        co_return Slot{};
      }
    }
    // Full with busy connections: every one of them is bounded by its timeouts.
    wait.expires_after(std::chrono::milliseconds(20));
    co_await wait.async_wait(asio::use_awaitable);
  }
}

void ConnectionPool::release(const std::string& destination, std::shared_ptr<Connection> keep) {
  std::lock_guard lock(mu_);
  auto& d = destinations_[destination];
  if (keep && keep->usable() && idle_time_.count() > 0) {
    keep->idle_since = std::chrono::steady_clock::now();
    d.idle.push_back(std::move(keep));
    return;
  }
  if (keep) keep->close();
  if (d.open > 0) --d.open;
}

std::size_t ConnectionPool::open_count(const std::string& destination) {
  std::lock_guard lock(mu_);
  return destinations_[destination].open;
}

}  // namespace postern::outbound
