#include "app/serve.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "app/control_plane.h"
#include "app/open_store.h"
#include "auth/api_key.h"
#include "auth/credential_cache.h"
#include "auth/password_hash.h"
#include "auth/verifier.h"
#include "dkim/signer.h"
#include "dns/resolver.h"
#include "events/auth_log.h"
#include "events/logger.h"
#include "events/message_log.h"
#include "inbound/listener.h"
#include "net/workers.h"
#include "outbound/deliverer.h"
#include "policy/chain_engine.h"
#include "auth/throttle.h"
#include "queue/scheduler.h"
#include "queue/spool.h"
#include "storage/store.h"
#include "tls/context.h"

namespace postern::app {
namespace asio = boost::asio;

namespace {

bool prepare_certificate(const config::Config& config, events::Logger& log) {
  auto made = tls::ensure_certificate(config.tls_cert, config.tls_key, config.hostname);
  if (!made) {
    log.error("tls_setup_failed", {{"error", made.error().message}});
    return false;
  }
  if (*made)
    log.warn("tls_self_signed", {{"cert", config.tls_cert},
                                 {"message", "generated a SELF-SIGNED certificate; clients must "
                                             "skip verification. Configure [tls] cert/key for production."}});
  return true;
}

// Stops accepting, lets sessions finish for up to `grace`, then stops the event loops.
asio::awaitable<void> shut_down(net::Workers& workers, inbound::Services& services,
                                std::vector<std::unique_ptr<inbound::SmtpListener>>& listeners) {
  services.stopping = true;
  for (auto& l : listeners) l->close();
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (int i = 0; i < 50 && services.active_sessions.load() > 0; ++i) {
    timer.expires_after(std::chrono::milliseconds(100));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  workers.stop();
}

// Drops verified credentials whenever the store reports a change made elsewhere (another
// process's CLI on SQLite; any node through LISTEN/NOTIFY on PostgreSQL). Logins re-read the
// user row anyway; this bounds what a cached verification can outlive to one poll (250 ms).
struct ChangeWatch {
  storage::Store& store;
  auth::CredentialCache& cache;
  events::Logger& log;
  std::int64_t seen = 0;
  void poll() {
    try {
      std::int64_t now = store.change_marker();
      if (now != seen) {
        seen = now;
        cache.clear();
      }
    } catch (const std::exception& e) {
      log.warn("change_poll_failed", {{"error", e.what()}});
    }
  }
};

asio::awaitable<void> poll_once(ChangeWatch* watch) {
  watch->poll();
  co_return;
}

asio::awaitable<void> watch_changes(ChangeWatch* watch, asio::thread_pool* blocking,
                                    const std::atomic<bool>* stopping) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!stopping->load()) {
    co_await asio::co_spawn(*blocking, poll_once(watch), asio::use_awaitable);
    timer.expires_after(std::chrono::milliseconds(250));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace

int serve(const config::Config& config) {
  events::Logger log;
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  ::chmod(config.data_dir.c_str(), 0700);
  if (!prepare_certificate(config, log)) return 1;
  auto tls = tls::make_server_context(config.tls_cert, config.tls_key);
  if (!tls) {
    log.error("tls_setup_failed", {{"error", tls.error().message}});
    return 1;
  }
  auto store = open_store(config.store_url);
  if (!store) {
    log.error("store_open_failed", {{"error", store.error().message}});
    return 1;
  }
  queue::Spool spool(config.data_dir + "/spool");
  if (auto s = spool.open(); !s) {
    log.error("spool_open_failed", {{"error", s.error().message}});
    return 1;
  }

  auth::init_password_hashing();  // the dummy hash for unknown users, before the first login
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  // The blocking pool mostly waits (fsyncs, SQLite): more threads than cores let concurrent
  // messages share journal commits and the spool's directory fsync (group commit). Argon2id
  // has its own per-core limit (auth::verify_password).
  net::Workers workers(config.workers ? config.workers : cores, std::max(16u, 4 * cores));
  ControlPlane control(config, **store, workers, log);
  storage::Store& db = control.store();  // timed for /metrics
  SystemClock clock;
  auth::CredentialCache cache;
  auth::CredentialVerifier verifier(db, cache, clock);
  events::AuthLog auth_log(db, log);
  events::MessageLog message_log(db, log);
  auto resolver = dns::make_resolver(config.resolver, std::chrono::seconds(config.dns_timeout_s));
  if (!resolver) {
    log.error("resolver_setup_failed", {{"error", resolver.error().message}});
    return 1;
  }
  auto deliverer = outbound::make_smtp_deliverer(config, **resolver, workers.blocking());
  auto signer = dkim::make_signer(db, config.data_dir);
  auto policy = policy::make_engine(db, **resolver, config, clock);
  auth::FailureThrottle throttle(
      auth::throttle_options(config.auth_max_failures_per_ip, config.auth_failure_window_s));

  queue::SchedulerSettings scheduling;
  scheduling.hostname = config.hostname;
  scheduling.retry.max_age_s = config.max_queue_age_s;
  scheduling.retry.schedule_s.assign(config.retry_schedule_s.begin(), config.retry_schedule_s.end());
  scheduling.max_in_flight = config.max_deliveries_in_flight;
  queue::Scheduler scheduler(workers.main(), [&workers]() -> boost::asio::io_context& { return workers.next(); },
                             workers.blocking(), db, spool, *deliverer, message_log, log,
                             scheduling);

  inbound::Services services{config,   *tls,
                             db,  verifier, throttle,
                             spool,    auth_log,
                             log,      std::make_shared<net::ConnectionLimiter>(config.max_connections_per_ip),
                             workers.blocking(), *policy,
                             signer.get(), message_log,
                             [&scheduler] { scheduler.wake(); }};

  std::vector<std::unique_ptr<inbound::SmtpListener>> listeners;
  for (const auto& l : config.listeners) {
    auto listener = std::make_unique<inbound::SmtpListener>(workers, l, services);
    auto bound = listener->bind();
    if (!bound) {
      log.error("listen_failed", {{"error", bound.error().message}});
      return 1;
    }
    log.plain("listening smtp " + *bound + " tls=" + config::to_string(l.tls));
    listeners.push_back(std::move(listener));
  }
  services.connection_opened = control.connection_counter();
  control.attach(auth_log, message_log,
                 [&services] { return double(services.active_sessions.load()); },
                 [&scheduler] { scheduler.wake(); });
  if (auto bound = control.bind(); !bound) {
    log.error("listen_failed", {{"error", bound.error().message}});
    return 1;
  }
  for (auto& l : listeners) l->start();
  control.start();
  scheduler.start();
  ChangeWatch change_watch{db, cache, log};
  asio::co_spawn(workers.main(), watch_changes(&change_watch, &workers.blocking(), &services.stopping),
                 asio::detached);
  log.info("started", {{"hostname", config.hostname},
                       {"workers", workers.size()}});

  asio::signal_set signals(workers.main(), SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& e, int sig) {
    if (e) return;
    log.info("stopping", {{"signal", sig}});
    scheduler.stop();
    control.stop();
    asio::co_spawn(workers.main(), shut_down(workers, services, listeners), asio::detached);
  });
  workers.run();
  workers.blocking().join();  // nothing may still run against the objects destroyed below
  auth_log.flush();
  message_log.flush();
  log.info("stopped");
  return 0;
}

int init(const std::string& config_path, const std::string& data_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) {
    std::cerr << "postern: error: cannot create " << data_dir << ": " << ec.message() << "\n";
    return 1;
  }
  ::chmod(data_dir.c_str(), 0700);
  if (!fs::exists(config_path)) {
    std::ofstream(config_path) << config::default_config_text(data_dir);
    std::cout << "wrote " << config_path << "\n";
  }
  auto config = config::load_config(config_path);
  if (!config) {
    std::cerr << "postern: error: " << config.error().message << "\n";
    return 1;
  }
  auto made = tls::ensure_certificate(config->tls_cert, config->tls_key, config->hostname);
  if (!made) {
    std::cerr << "postern: error: " << made.error().message << "\n";
    return 1;
  }
  if (*made)
    std::cout << "generated a SELF-SIGNED certificate " << config->tls_cert
              << " (clients must skip verification; set [tls] cert/key for production)\n";
  auto store = open_store(config->store_url);
  if (!store) {
    std::cerr << "postern: error: " << store.error().message << "\n";
    return 1;
  }
  queue::Spool spool(config->data_dir + "/spool");
  if (auto s = spool.open(); !s) {
    std::cerr << "postern: error: " << s.error().message << "\n";
    return 1;
  }
  // The admin API key of interface.md ("make run"): made once, printed once.
  bool have_admin = false;
  for (const auto& key : (*store)->list_api_keys(std::string()))
    if (key.account.empty()) have_admin = true;
  if (!have_admin) {
    std::string key = auth::generate_api_key();
    storage::ApiKey row;
    row.name = "admin";
    row.key_hash = auth::hash_api_key(key);
    row.prefix = auth::api_key_prefix(key);
    auto made_key = (*store)->create_api_key(row);
    if (!made_key) {
      std::cerr << "postern: error: " << made_key.error().message << "\n";
      return 1;
    }
    std::cout << "admin API key (shown only once; for the dashboard and /api/v1): " << key << "\n";
  } else {
    std::cout << "an admin API key exists (postern apikey list; postern apikey add NAME makes another)\n";
  }
  std::cout << "ready: store " << config->store_url << ", spool " << spool.dir() << ", dashboard http://"
            << config->http_address << "/\n";
  return 0;
}

}  // namespace postern::app
