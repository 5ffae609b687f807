// outbound::ConnectionPool: per destination (an MX host or a route's host:port) a limit on
// open connections, busy and idle together, and the idle connections kept for reuse for a
// short time. A connection is only handed to a caller on the executor it was made on (its
// timers and socket stay on one event loop). Thread-safe (one mutex; nothing awaited under it).
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "outbound/connection.h"

namespace postern::outbound {

class ConnectionPool {
 public:
  ConnectionPool(std::size_t max_per_destination, std::chrono::seconds idle_time)
      : max_(max_per_destination), idle_time_(idle_time) {}
  ~ConnectionPool();

  // A slot for one connection to `destination`: either an idle connection to reuse, or
  // permission to open a new one (idle == nullptr). Waits while the destination is full.
  struct Slot {
    std::shared_ptr<Connection> idle;
  };
  boost::asio::awaitable<Slot> acquire(const std::string& destination);
  // Gives a slot back: with a connection in a clean state to keep idle, or nullptr (closed).
  void release(const std::string& destination, std::shared_ptr<Connection> keep);

  std::size_t open_count(const std::string& destination);  // busy + idle, for tests

 private:
  struct Destination {
    std::size_t open = 0;
    std::deque<std::shared_ptr<Connection>> idle;  // oldest first
  };
  void expire(Destination& d, std::chrono::steady_clock::time_point now);

  std::mutex mu_;
  std::size_t max_;
  std::chrono::seconds idle_time_;
  std::map<std::string, Destination> destinations_;
};

}  // namespace postern::outbound
