#include "inbound/listener.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/resource.h>

#include "inbound/session.h"
#include "policy/ip_allow_list.h"

namespace postern::inbound {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// Every session holds a descriptor. Services often start with a soft limit of 1024 (systemd's
// default) under a far higher hard limit: at 1024, ten sources at their per-IP limit
// (max_connections_per_ip = 100) took every descriptor and nobody else got in
// (tests/e2e/test_hostile.py, test_fd_limit_is_raised_at_start). So the soft limit is raised
// to the hard one once, before the first listener opens; running out beyond that is met by
// the accept loop's back-off. (Nothing in the process uses select(), so descriptors above
// FD_SETSIZE are safe.)
void raise_descriptor_limit() {
  static const bool raised = [] {
    rlimit r{};
    if (::getrlimit(RLIMIT_NOFILE, &r) != 0 || r.rlim_cur >= r.rlim_max) return false;
    r.rlim_cur = r.rlim_max == RLIM_INFINITY ? rlim_t{1} << 20 : r.rlim_max;
    return ::setrlimit(RLIMIT_NOFILE, &r) == 0;
  }();
  (void)raised;
}

}  // namespace

SmtpListener::SmtpListener(net::Workers& workers, const config::Listener& listener,
                           Services& services)
    : workers_(workers), listener_(listener), services_(services), acceptor_(workers.main()) {}

Result<std::string> SmtpListener::bind() {
  raise_descriptor_limit();
  if (listener_.proxy_protocol) {
    auto trusted = policy::IpAllowList::parse(listener_.trusted_proxies);
    if (!trusted) return Error{"listener " + listener_.address + " trusted_proxies: " + trusted.error().message};
    if (trusted->empty())
      return Error{"listener " + listener_.address +
                   ": proxy_protocol = true needs trusted_proxies (the load balancers' addresses)"};
  }
  boost::system::error_code ec;
  auto address = asio::ip::make_address(listener_.host, ec);
  if (ec) return Error{"listener " + listener_.address + ": not an IP address"};
  tcp::endpoint endpoint(address, listener_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Error{"cannot listen on " + listener_.address + ": " + ec.message()};
  auto local = acceptor_.local_endpoint();
  std::string host = local.address().to_string();
  if (local.address().is_v6()) host = "[" + host + "]";
  listener_.address = host + ":" + std::to_string(local.port());
  return listener_.address;
}

void SmtpListener::start() {
  asio::co_spawn(
      acceptor_.get_executor(),
      [this]() -> asio::awaitable<void> {
        for (;;) {
          auto& worker = workers_.next();
          boost::system::error_code ec;
          tcp::socket socket(worker);
          co_await acceptor_.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
          if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
          if (ec) {
            // EMFILE and friends: back off briefly instead of spinning.
            services_.log.warn("accept_failed", {{"listener", listener_.address}, {"error", ec.message()}});
            asio::steady_timer t(acceptor_.get_executor(), std::chrono::milliseconds(100));
            co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
          }
          socket.set_option(tcp::no_delay(true), ec);
          auto executor = socket.get_executor();
          asio::co_spawn(executor, run_session(std::move(socket), listener_, services_),
                         asio::detached);
        }
      },
      asio::detached);
}

void SmtpListener::close() {
  boost::system::error_code ec;
  acceptor_.close(ec);
}

}  // namespace postern::inbound
