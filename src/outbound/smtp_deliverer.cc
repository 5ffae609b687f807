// SmtpDeliverer: the real outbound::Deliverer. Chooses the hosts (static route or MX plan),
// resolves each host's addresses on the blocking pool, and tries address after address until
// one server holds a session; that server's answers are the result. Connections come from and
// go back to the ConnectionPool. Never throws: every failure becomes a RecipientResult.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <mutex>
#include <random>

#include "outbound/client_session.h"
#include "outbound/connection_pool.h"
#include "outbound/deliverer.h"
#include "outbound/route_plan.h"
#include "tls/context.h"

namespace postern::outbound {
namespace asio = boost::asio;
using asio::awaitable;

namespace {

struct Target {
  std::string host;
  std::uint16_t port = 25;
  std::string display() const {  // "mx.example" or "mx.example:2525"
    return port == 25 ? host : host + ":" + std::to_string(port);
  }
};

// A pool slot given back (closed) on every path out of try_host that does not keep it.
struct SlotGuard {
  ConnectionPool& pool;
  std::string key;
  bool armed = true;
  ~SlotGuard() {
    if (armed) pool.release(key, nullptr);
  }
};

// The end of one host: either its session results, or why it gave none.
struct HostAttempt {
  std::optional<TransactionResult> done;
  HostFailure failure;
};

class SmtpDeliverer final : public Deliverer {
 public:
  SmtpDeliverer(const config::Config& config, dns::Resolver& resolver, asio::thread_pool& blocking)
      : config_(config),
        resolver_(resolver),
        blocking_(blocking),
        tls_(tls::make_insecure_client_context()),
        pool_(config.max_connections_per_destination,
              std::chrono::seconds(config.delivery_idle_timeout_s)),
        rng_(std::random_device{}()) {}

  awaitable<DeliveryResult> deliver(DeliveryRequest request) override {
    try {
      co_return co_await deliver_or_throw(request);
    } catch (const std::exception& e) {  // never across the event loop: defer everyone
      co_return fail_all(request, {Outcome::Transient, "451 4.3.0 local error: " + std::string(e.what())});
    }
  }

 private:
  static DeliveryResult fail_all(const DeliveryRequest& request, const HostFailure& f) {
    DeliveryResult result;
    for (const auto& r : request.recipients) result.recipients.push_back({r, f.outcome, f.reply});
    return result;
  }

  // DNS calls block: they run on the blocking pool. Closures capture references only (GCC 12
  // mishandles coroutine frames that copy closures with non-trivial members); `f` is a
  // temporary of the caller's co_await full-expression, so it outlives the call.
  template <class F>
  auto on_blocking_pool(const F& f) {
    using T = decltype(f());
    return asio::co_spawn(
        blocking_, [&f]() -> awaitable<T> { co_return f(); }, asio::use_awaitable);
  }

  awaitable<DeliveryResult> deliver_or_throw(const DeliveryRequest& request) {
    SessionSettings settings;
    settings.helo_name = config_.hostname;
    settings.timeouts = timeouts_from(config_);
    std::vector<Target> targets;
    if (const config::Route* route = match_route(config_.routes, request.domain)) {
      auto hp = config::split_host_port(route->to);
      if (!hp) co_return fail_all(request, {Outcome::Transient, "451 4.3.5 bad route " + route->to});
      targets.push_back({hp->first, hp->second});
      settings.tls = tls_policy(route->tls);
      settings.auth = route;
    } else {
      std::string domain = request.domain;
      auto answer = co_await on_blocking_pool([&] { return resolver_.mx(domain); });
      MxPlan plan;
      {
        std::lock_guard lock(rng_mu_);
        plan = plan_from_mx(answer, domain, rng_);
      }
      if (plan.failure) co_return fail_all(request, {plan.failure->outcome, plan.failure->reply});
      for (auto& host : plan.hosts) targets.push_back({host, config_.mx_port});
    }
    HostFailure last{Outcome::Transient, "451 4.4.1 no host to deliver to"};
    for (const auto& target : targets) {
      settings.server_name = target.host;
      auto attempt = co_await try_host(target, request, settings);
      if (attempt.done) {
        DeliveryResult result;
        result.recipients = std::move(attempt.done->recipients);
        result.mx = target.display();
        co_return result;
      }
      last = attempt.failure;
    }
    co_return fail_all(request, last);
  }

  awaitable<std::vector<std::string>> addresses_of(const std::string& host, HostFailure& failure) {
    boost::system::error_code ec;
    auto literal = asio::ip::make_address(host, ec);
    if (!ec) co_return std::vector<std::string>{literal.to_string()};
    auto v6 = co_await on_blocking_pool([&] { return resolver_.aaaa(host); });
    auto v4 = co_await on_blocking_pool([&] { return resolver_.a(host); });
    auto all = interleave_addresses(v6.records, v4.records);
    if (all.empty()) {
      bool temporary = v4.rcode == dns::Rcode::ServFail || v4.rcode == dns::Rcode::Timeout ||
                       v6.rcode == dns::Rcode::ServFail || v6.rcode == dns::Rcode::Timeout;
      failure = {Outcome::Transient, temporary ? "451 4.4.3 DNS lookup of " + host + " failed"
                                               : "451 4.4.4 no address for " + host};
    }
    co_return all;
  }

  awaitable<HostAttempt> try_host(const Target& target, const DeliveryRequest& request,
                                  SessionSettings settings) {
    HostAttempt attempt;
    attempt.failure = {Outcome::Transient, "451 4.4.1 no address for " + target.host};
    auto addresses = co_await addresses_of(target.host, attempt.failure);
    if (addresses.empty()) co_return attempt;
    const std::string key = target.display();
    auto slot = co_await pool_.acquire(key);
    SlotGuard guard{pool_, key};
    std::shared_ptr<Connection> connection = std::move(slot.idle);
    // A pooled connection first: RSET proves it still works (the server may have closed it).
    if (connection) {
      if (co_await reset_session(*connection, settings.timeouts)) {
        auto result = co_await run_transaction(*connection, request, settings);
        if (!result.stale) co_return finish(guard, connection, std::move(result));
      }
      connection->close();
      connection.reset();
    }
    auto executor = co_await asio::this_coro::executor;
    for (const auto& address : addresses) {
      for (bool try_tls : {true, false}) {
        connection = std::make_shared<Connection>(executor, tls_);
        boost::system::error_code ec;
        asio::ip::tcp::endpoint to(asio::ip::make_address(address, ec), target.port);
        if (ec) break;
        if (auto c = co_await connection->connect(to, settings.timeouts.connect); !c) {
          attempt.failure = {Outcome::Transient, "451 4.4.1 " + c.error().message};
          break;  // next address
        }
        settings.try_tls = try_tls;
        auto failure = co_await open_session(*connection, settings);
        if (!failure) {
          auto result = co_await run_transaction(*connection, request, settings);
          co_return finish(guard, connection, std::move(result));
        }
        attempt.failure = *failure;
        co_await quit_session(*connection);
        // Opportunistic TLS that fails the handshake: once more in plain text, unless
        // credentials would then travel in the clear (RFC 3207 §4.1 leaves this to policy).
        bool retry_plain = failure->tls_failed && settings.tls == TlsPolicy::Opportunistic &&
                           !(settings.auth && !settings.auth->auth_user.empty());
        if (!retry_plain) break;
      }
    }
    co_return attempt;
  }

  HostAttempt finish(SlotGuard& guard, std::shared_ptr<Connection> connection,
                     TransactionResult result) {
    guard.armed = false;
    pool_.release(guard.key, result.reusable ? std::move(connection) : nullptr);
    return HostAttempt{std::move(result), {}};
  }

  const config::Config& config_;
  dns::Resolver& resolver_;
  asio::thread_pool& blocking_;
  std::shared_ptr<asio::ssl::context> tls_;
  ConnectionPool pool_;
  std::mutex rng_mu_;
  std::mt19937_64 rng_;
};

}  // namespace

std::unique_ptr<Deliverer> make_smtp_deliverer(const config::Config& config, dns::Resolver& resolver,
                                               asio::thread_pool& blocking) {
  return std::make_unique<SmtpDeliverer>(config, resolver, blocking);
}

}  // namespace postern::outbound
