// outbound client session: the coroutines that drive one Connection through an SMTP
// conversation — opening (greeting, EHLO/HELO, STARTTLS and re-EHLO, AUTH PLAIN), one mail
// transaction (MAIL, RCPT per recipient, DATA; PIPELINING per RFC 2920 when offered) with a
// result per recipient, and RSET before reuse. Timeouts per RFC 5321 §4.5.3.2 come from
// Timeouts, built from the config in one place. Runs on the connection's executor.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "outbound/connection.h"
#include "outbound/deliverer.h"
#include "outbound/route_plan.h"

namespace postern::outbound {

struct Timeouts {
  std::chrono::seconds connect{30}, tls_handshake{30};
  std::chrono::seconds greeting{300}, command{300}, data_init{120}, data_block{180},
      data_final{600};
};
Timeouts timeouts_from(const config::Config& config);

struct SessionSettings {
  std::string helo_name;    // our hostname, for EHLO
  std::string server_name;  // the MX host or route host: SNI and messages
  TlsPolicy tls = TlsPolicy::Opportunistic;
  bool try_tls = true;  // false: a retry in plain text after a failed opportunistic handshake
  const config::Route* auth = nullptr;  // a route with auth_user/auth_password, or nullptr
  Timeouts timeouts;
};

// Why a host did not get as far as a transaction; tls_failed: the handshake failed, so an
// opportunistic retry in plain text may follow.
struct HostFailure {
  Outcome outcome = Outcome::Transient;
  std::string reply;
  bool tls_failed = false;
};

boost::asio::awaitable<std::optional<HostFailure>> open_session(Connection& connection,
                                                                 const SessionSettings& settings);

struct TransactionResult {
  std::vector<RecipientResult> recipients;  // same order as the request
  bool reusable = false;  // the connection is in a clean state for another transaction
  bool stale = false;     // a reused connection failed before any reply: retry on a new one
};

boost::asio::awaitable<TransactionResult> run_transaction(Connection& connection,
                                                          const DeliveryRequest& request,
                                                          const SessionSettings& settings);

// RSET before reusing an idle connection; false: drop it.
boost::asio::awaitable<bool> reset_session(Connection& connection, const Timeouts& timeouts);
// QUIT without waiting for the reply, then close.
boost::asio::awaitable<void> quit_session(Connection& connection);

}  // namespace postern::outbound
