#include "pgstore/pool.h"

#include <stdexcept>
#include <string>

namespace postern::pgstore {

Pool::Pool(const ConnInfo& info, PoolOptions options, std::function<void(Connection&)> on_connect)
    : info_(info), options_(options), on_connect_(std::move(on_connect)) {
  if (options_.size == 0) throw std::invalid_argument("pgstore::Pool: size 0");
}

Pool::~Pool() = default;  // every Lease must be gone (they reference the pool)

Pool::Lease::~Lease() {
  if (conn_) pool_.give_back(std::move(conn_));
}

Pool::Lease Pool::acquire() {
  const auto deadline = std::chrono::steady_clock::now() + options_.checkout_timeout;
  std::unique_lock lock(mu_);
  for (;;) {
    while (!idle_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      lock.unlock();
      if (conn->still_alive()) return Lease(*this, std::move(conn));
      conn.reset();  // closed by the server (restart, idle timeout): open a fresh one
      lock.lock();
      --open_;
    }
    if (open_ < options_.size) break;
    if (!freed_.wait_until(lock, deadline, [&] { return !idle_.empty() || open_ < options_.size; }))
      throw PgError("postgresql: no database connection free within " +
                        std::to_string(options_.checkout_timeout.count()) + " ms (pool of " +
                        std::to_string(options_.size) + ")",
                    {}, {}, false);
  }
  ++open_;  // reserve the slot, then connect without holding the lock
  lock.unlock();
  try {
    auto conn = std::make_unique<Connection>(info_, "postern");
    if (on_connect_) on_connect_(*conn);
    return Lease(*this, std::move(conn));
  } catch (...) {
    lock.lock();
    --open_;
    freed_.notify_one();
    throw;
  }
}

void Pool::give_back(std::unique_ptr<Connection> conn) {
  const bool reusable = conn->idle();
  if (!reusable) conn.reset();  // close outside the lock
  std::lock_guard lock(mu_);
  if (reusable)
    idle_.push_back(std::move(conn));
  else
    --open_;
  freed_.notify_one();
}

std::size_t Pool::open_connections() const {
  std::lock_guard lock(mu_);
  return open_;
}

std::size_t Pool::idle_connections() const {
  std::lock_guard lock(mu_);
  return idle_.size();
}

}  // namespace postern::pgstore
