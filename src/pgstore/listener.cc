#include "pgstore/listener.h"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

namespace postern::pgstore {
namespace {

// TCP keepalives notice a peer that vanished without closing (a cut network) in about a
// minute; a server restart closes the socket and is noticed at once.
const ConnInfo::Setting kKeepalives[] = {
    {"keepalives", "1"},
    {"keepalives_idle", "30"},
    {"keepalives_interval", "10"},
    {"keepalives_count", "3"},
};

constexpr auto kFirstBackoff = std::chrono::milliseconds(200);
constexpr auto kMaxBackoff = std::chrono::milliseconds(5000);
constexpr int kPollMs = 1000;

}  // namespace

ChangeListener::ChangeListener(const ConnInfo& info, std::string origin)
    : info_(info), origin_(std::move(origin)) {
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw PgError(std::string("eventfd: ") + std::strerror(errno));
  try {
    conn_ = connect();
  } catch (...) {
    ::close(wake_fd_);
    throw;
  }
  connects_ = 1;
  thread_ = std::thread([this] { run(); });
}

ChangeListener::~ChangeListener() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  stopping_.notify_all();
  wake();
  thread_.join();
  ::close(wake_fd_);
}

std::unique_ptr<Connection> ChangeListener::connect() {
  auto conn = std::make_unique<Connection>(info_, "postern-listener", kKeepalives);
  conn->exec(std::string("LISTEN ") + kChangeChannel);  // a constant identifier, no value
  return conn;
}

void ChangeListener::wake() {
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

// Expects mu_ held, conn_ set and not broken.
void ChangeListener::drain_locked() {
  PGconn* raw = conn_->raw();
  if (PQconsumeInput(raw) == 0 || PQstatus(raw) != CONNECTION_OK) {
    broken_ = true;
    ++count_;  // whatever changed from now until the re-LISTEN is unseen: drop caches
    wake();
    return;
  }
  while (PGnotify* n = PQnotifies(raw)) {
    ++(origin_ == n->extra ? own_ : count_);
    PQfreemem(n);
  }
}

std::int64_t ChangeListener::marker() {
  std::lock_guard lock(mu_);
  if (conn_ && !broken_) drain_locked();
  return count_;
}

int ChangeListener::connects() const {
  std::lock_guard lock(mu_);
  return connects_;
}

std::int64_t ChangeListener::own_notifications() const {
  std::lock_guard lock(mu_);
  return own_;
}

void ChangeListener::run() {
  auto backoff = kFirstBackoff;
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (!conn_ || broken_) {
      std::unique_ptr<Connection> old = std::move(conn_);
      broken_ = false;
      lock.unlock();
      old.reset();
      std::unique_ptr<Connection> fresh;
      try {
        fresh = connect();
      } catch (const PgError&) {
        // The database is away: try again after the back-off.
      }
      lock.lock();
      if (stop_) break;
      if (!fresh) {
        stopping_.wait_for(lock, backoff, [&] { return stop_; });
        backoff = std::min(backoff * 2, kMaxBackoff);
        continue;
      }
      conn_ = std::move(fresh);
      ++connects_;
      ++count_;  // changes made while we were not listening were missed
      backoff = kFirstBackoff;
      continue;
    }
    std::array<pollfd, 2> fds{pollfd{PQsocket(conn_->raw()), POLLIN, 0},
                              pollfd{wake_fd_, POLLIN, 0}};
    lock.unlock();  // conn_ (and so its socket) stays open: only this thread closes it
    ::poll(fds.data(), fds.size(), kPollMs);
    if (fds[1].revents & POLLIN) {
      std::uint64_t drained;
      [[maybe_unused]] auto n = ::read(wake_fd_, &drained, sizeof drained);
    }
    lock.lock();
    if (!stop_ && conn_ && !broken_) drain_locked();
  }
}

}  // namespace postern::pgstore
