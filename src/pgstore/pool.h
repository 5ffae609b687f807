// A small bounded pool of PostgreSQL connections. acquire() lends one connection to the
// calling thread (a Lease gives it back); at most `size` exist at once, opened lazily; a
// caller waits at most `checkout_timeout` for one to free up, then gets a PgError (the store
// answers a temporary failure; a database that is slow or gone must not hang every session).
// A connection that broke, or comes back inside a transaction, is closed rather than reused;
// an idle one is checked for a server-side close before it is lent. Thread-safe.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "pgstore/connection.h"

namespace postern::pgstore {

struct PoolOptions {
  std::size_t size = 8;
  std::chrono::milliseconds checkout_timeout{5000};
};

class Pool {
 public:
  // `on_connect` runs on each new connection before it is first lent (session settings).
  // `info` must outlive the pool.
  Pool(const ConnInfo& info, PoolOptions options,
       std::function<void(Connection&)> on_connect = {});
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;
  ~Pool();

  class Lease {
   public:
    Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(std::move(other.conn_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() { return *conn_; }
    Connection* operator->() { return conn_.get(); }

   private:
    friend class Pool;
    Lease(Pool& pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Pool& pool_;
    std::unique_ptr<Connection> conn_;
  };

  // Throws PgError when no connection frees up in time or a new one cannot be opened.
  Lease acquire();

  std::size_t open_connections() const;  // lent + idle
  std::size_t idle_connections() const;

 private:
  void give_back(std::unique_ptr<Connection> conn);

  const ConnInfo& info_;
  const PoolOptions options_;
  const std::function<void(Connection&)> on_connect_;
  mutable std::mutex mu_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;  // connections that exist (idle, lent or being opened)
};

}  // namespace postern::pgstore
