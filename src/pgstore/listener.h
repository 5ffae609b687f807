// ChangeListener: the receiving half of change propagation between nodes. A dedicated
// connection LISTENs on channel `postern_changes`; the schema's triggers NOTIFY it in the
// transaction of every change to accounts, users (and their domains), API keys and webhooks,
// with the writing store's origin id as payload. marker() drains what has arrived without
// blocking and returns a count of changes made by other stores (our own are counted by the
// store itself, at once). A background thread drains too (so the server-side queue never
// backs up when nobody asks) and reconnects with back-off when the connection drops; the
// drop and the re-LISTEN each bump the count, since changes in between were missed.
// Thread-safe.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "pgstore/connection.h"

namespace postern::pgstore {

inline constexpr const char* kChangeChannel = "postern_changes";

class ChangeListener {
 public:
  // Connects and LISTENs before returning (throws PgError), then starts the thread.
  // `info` must outlive the listener.
  ChangeListener(const ConnInfo& info, std::string origin);
  ChangeListener(const ChangeListener&) = delete;
  ChangeListener& operator=(const ChangeListener&) = delete;
  ~ChangeListener();

  // Grows with every notification from another origin, drop and reconnection.
  std::int64_t marker();
  // How many times a LISTEN connection was established (1 after construction).
  int connects() const;
  // How many of our own notifications were received and skipped (tests).
  std::int64_t own_notifications() const;

 private:
  std::unique_ptr<Connection> connect();
  void drain_locked();
  void wake();
  void run();

  const ConnInfo& info_;
  const std::string origin_;
  int wake_fd_ = -1;  // eventfd: interrupts the thread's poll()
  mutable std::mutex mu_;
  std::condition_variable stopping_;
  std::unique_ptr<Connection> conn_;  // closed and replaced only by the thread
  bool broken_ = false;
  bool stop_ = false;
  std::int64_t count_ = 0;
  std::int64_t own_ = 0;
  int connects_ = 0;
  std::thread thread_;
};

}  // namespace postern::pgstore
