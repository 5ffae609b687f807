// inbound::Services: what an SMTP session may reach, and nothing more (STYLE: trust boundaries
// are module boundaries). Built once by app:: and shared by every session; every member is
// thread-safe or immutable.
#pragma once
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>

#include <functional>

#include "auth/throttle.h"
#include "auth/verifier.h"
#include "config/config.h"
#include "dkim/signer.h"
#include "events/auth_log.h"
#include "events/logger.h"
#include "events/message_log.h"
#include "policy/engine.h"
#include "net/connection_limiter.h"
#include "queue/spool.h"
#include "storage/store.h"

namespace postern::inbound {

struct Services {
  const config::Config& config;
  std::shared_ptr<boost::asio::ssl::context> tls;
  storage::Store& store;
  auth::CredentialVerifier& verifier;
  auth::FailureThrottle& throttle;
  queue::Spool& spool;
  events::AuthLog& auth_log;
  events::Logger& log;
  std::shared_ptr<net::ConnectionLimiter> limiter;
  boost::asio::thread_pool& blocking;  // fsync and store calls: never on an event loop
  policy::Engine& policy;
  dkim::Signer* signer;  // null: no DKIM signing
  events::MessageLog& message_log;
  std::function<void()> message_queued;  // wakes the delivery scheduler; thread-safe
  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> active_sessions{0};
  // Counts an accepted connection (metrics); set before the listeners start; may be empty.
  std::function<void(const std::string& listener)> connection_opened = {};
  // AUTH credential checks (Argon2id: CPU- and memory-hard) run here, one thread per core (as
  // auth::verify_password's own limit), not on `blocking`: under an AUTH flood from many
  // addresses, the queued guesses used to hold every blocking thread waiting for a hashing
  // slot, so sessions already authenticated waited seconds for their fsyncs and store reads
  // (tests/e2e/test_hostile.py, test_auth_guessing_flood). Last member: destroyed first.
  boost::asio::thread_pool credential_checks{std::max(2u, std::thread::hardware_concurrency())};
};

}  // namespace postern::inbound
