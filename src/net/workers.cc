#include "net/workers.h"

#include <boost/asio/executor_work_guard.hpp>

namespace postern::net {

Workers::Workers(unsigned event_threads, unsigned blocking_threads)
    : blocking_(blocking_threads == 0 ? 1 : blocking_threads) {
  if (event_threads == 0) event_threads = 1;
  for (unsigned i = 0; i < event_threads; ++i)
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
}

Workers::~Workers() {
  stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  blocking_.join();
}

boost::asio::io_context& Workers::next() {
  return *contexts_[next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()];
}

void Workers::run() {
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards;
  for (auto& c : contexts_) guards.push_back(boost::asio::make_work_guard(*c));
  for (std::size_t i = 1; i < contexts_.size(); ++i)
    threads_.emplace_back([ctx = contexts_[i].get()] { ctx->run(); });
  contexts_[0]->run();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void Workers::stop() {
  for (auto& c : contexts_) c->stop();
}

}  // namespace postern::net
