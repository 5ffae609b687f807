#include "events/auth_log.h"

#include <vector>

#include "base/time.h"

namespace postern::events {

nlohmann::json auth_event_json(const storage::AuthEvent& e) {
  nlohmann::json j = {{"time", format_iso8601(e.time)},
                      {"session", e.session},
                      {"ip", e.ip},
                      {"port", e.port},
                      {"listener", e.listener},
                      {"tls", e.tls.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.tls)},
                      {"mechanism", e.mechanism},
                      {"username", e.username},
                      {"user_id", e.user_id ? nlohmann::json(*e.user_id) : nlohmann::json(nullptr)},
                      {"account", e.account ? nlohmann::json(*e.account) : nlohmann::json(nullptr)},
                      {"result", e.result},
                      {"reason", e.reason},
                      {"hints", e.hints},
                      {"reply", e.reply},
                      {"enforced", e.enforced}};
  j["detail"] = e.detail;
  return j;
}

AuthLog::AuthLog(storage::Store& store, Logger& logger)
    : store_(store), logger_(logger), writer_([this] { run(); }) {}

AuthLog::~AuthLog() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  writer_.join();
}

void AuthLog::record(storage::AuthEvent event) {
  nlohmann::json line = auth_event_json(event);
  line["time"] = format_iso8601(event.time);
  logger_.log(event.result == "ok" ? "info" : "warn", "auth", std::move(line));
  {
    std::lock_guard lock(mu_);
    pending_.push_back(std::move(event));
    ++recorded_;
  }
  cv_.notify_one();
}

void AuthLog::flush() {
  std::unique_lock lock(mu_);
  std::uint64_t target = recorded_;
  cv_.notify_one();
  flushed_.wait(lock, [&] { return written_ >= target; });
}

void AuthLog::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait_for(lock, std::chrono::milliseconds(100),
                 [&] { return stopping_ || pending_.size() >= 500; });
    if (pending_.empty()) {
      if (stopping_) return;
      continue;
    }
    std::vector<storage::AuthEvent> batch(std::make_move_iterator(pending_.begin()),
                                          std::make_move_iterator(pending_.end()));
    pending_.clear();
    lock.unlock();
    auto status = store_.append_auth_events(batch);
    if (!status) logger_.error("auth_log_write_failed", {{"error", status.error().message}});
    lock.lock();
    written_ += batch.size();
    flushed_.notify_all();
  }
}

}  // namespace postern::events
