// queue::Scheduler delivers what the spool holds: it picks due recipients from the store
// (per-recipient state survives restarts), groups them by message and destination domain,
// hands each group to the outbound::Deliverer, and records the outcome: delivered, deferred
// (retry per RetryPolicy), bounced (5xx: a DSN to the sender) or expired. A spool file is
// removed once none of its recipients is queued. Runs on one event loop; store and spool I/O
// go to the blocking pool; deliveries run on the workers. wake() is thread-safe.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <functional>
#include <mutex>
#include <set>
#include <string>

#include "events/logger.h"
#include "events/message_log.h"
#include "outbound/deliverer.h"
#include "queue/bounce.h"
#include "queue/retry.h"
#include "queue/spool.h"
#include "storage/store.h"

namespace postern::queue {

struct SchedulerSettings {
  std::string hostname;
  RetryPolicy retry;
  std::size_t max_in_flight = 100;   // delivery groups at once
  std::int64_t poll_ms = 1000;       // also picks up `postern queue retry` from the CLI
};

class Scheduler {
 public:
  Scheduler(boost::asio::io_context& home, std::function<boost::asio::io_context&()> next_worker,
            boost::asio::thread_pool& blocking, storage::Store& store, Spool& spool,
            outbound::Deliverer& deliverer, events::MessageLog& log, events::Logger& logger,
            SchedulerSettings settings);
  void start();
  void wake();
  void stop();
  std::size_t in_flight() const;

 private:
  struct Group;
  boost::asio::awaitable<void> loop();
  boost::asio::awaitable<void> attempt(Group group);
  void reconcile();  // blocking: spool files without delivery rows get rows
  void finish(const Group& group, const outbound::DeliveryResult& result, const EnvelopeRecord& env,
              const std::string& message);
  void enqueue_bounce(const EnvelopeRecord& env, const std::string& message,
                      std::vector<FailedRecipient> failed);
  void remove_if_done(const std::string& queue_id);

  boost::asio::io_context& home_;
  std::function<boost::asio::io_context&()> next_worker_;
  boost::asio::thread_pool& blocking_;
  storage::Store& store_;
  Spool& spool_;
  outbound::Deliverer& deliverer_;
  events::MessageLog& log_;
  events::Logger& logger_;
  SchedulerSettings settings_;
  boost::asio::steady_timer timer_;
  std::atomic<bool> stopping_{false};
  // Set by wake(): the loop polls again soon instead of after poll_ms, even when the wake-up
  // came while it was reading (a timer cancel then would be lost). Wake-ups within a few
  // milliseconds share one poll.
  std::atomic<bool> wake_pending_{false};
  std::atomic<bool> capacity_full_{false};  // a poll left due rows for want of in-flight room
  mutable std::mutex mu_;
  std::set<std::string> in_flight_;  // "queue_id recipient"
};

}  // namespace postern::queue
