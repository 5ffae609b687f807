// events::BatchWriter<T>: a background thread that writes events to the store in batches
// (one transaction per 100 ms or 500 events), so the hot path never waits on the database.
// record() never blocks on I/O; flush() waits until everything recorded so far is written.
// Thread-safe.
#pragma once
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "base/result.h"

namespace postern::events {

template <class T>
class BatchWriter {
 public:
  using WriteFn = std::function<Status(std::span<const T>)>;
  using ErrorFn = std::function<void(const Error&)>;

  BatchWriter(WriteFn write, ErrorFn on_error)
      : write_(std::move(write)), on_error_(std::move(on_error)), thread_([this] { run(); }) {}
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;
  ~BatchWriter() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  void record(T event) {
    bool full;
    {
      std::lock_guard lock(mu_);
      pending_.push_back(std::move(event));
      ++recorded_;
      full = pending_.size() >= kBatch;
    }
    // The writer wakes every 100 ms anyway: waking it for each event only to find the batch
    // not yet full cost a context switch per event on the hot path.
    if (full) cv_.notify_one();
  }

  void flush() {
    std::unique_lock lock(mu_);
    const std::uint64_t target = recorded_;
    flushing_ = true;
    cv_.notify_one();
    written_cv_.wait(lock, [&] { return written_ >= target; });
  }

 private:
  void run() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait_for(lock, std::chrono::milliseconds(100),
                   [&] { return stopping_ || flushing_ || pending_.size() >= kBatch; });
      flushing_ = false;
      if (pending_.empty()) {
        if (stopping_) return;
        continue;
      }
      std::vector<T> batch(std::make_move_iterator(pending_.begin()),
                           std::make_move_iterator(pending_.end()));
      pending_.clear();
      lock.unlock();
      Status status = write_(batch);
      if (!status) on_error_(status.error());
      lock.lock();
      written_ += batch.size();
      written_cv_.notify_all();
    }
  }

  static constexpr std::size_t kBatch = 500;
  WriteFn write_;
  ErrorFn on_error_;
  std::mutex mu_;
  std::condition_variable cv_, written_cv_;
  std::deque<T> pending_;
  std::uint64_t recorded_ = 0, written_ = 0;
  bool stopping_ = false;
  bool flushing_ = false;  // flush() waits: write what is pending now
  std::thread thread_;  // last: starts after every other member is ready
};

}  // namespace postern::events
