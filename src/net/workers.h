// net::Workers: one io_context per event-loop thread (Envoy-style workers). Listeners accept on
// worker 0 and hand each connection to the next worker round-robin; a session lives on one
// worker for its whole life, so its state needs no locks. Blocking work (Argon2id, fsync)
// goes to the separate `blocking` pool, never to these threads.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace postern::net {

class Workers {
 public:
  Workers(unsigned event_threads, unsigned blocking_threads);
  ~Workers();
  boost::asio::io_context& main() { return *contexts_[0]; }
  boost::asio::io_context& next();  // round-robin
  boost::asio::thread_pool& blocking() { return blocking_; }
  // Runs worker 0 on the calling thread and the others on their own threads until stop().
  void run();
  void stop();
  unsigned size() const { return static_cast<unsigned>(contexts_.size()); }

 private:
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<std::thread> threads_;
  boost::asio::thread_pool blocking_;
  std::atomic<unsigned> next_{0};
};

}  // namespace postern::net
