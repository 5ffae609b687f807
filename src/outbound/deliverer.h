// outbound::Deliverer delivers one message to the recipients of one destination domain:
// static route (`[[delivery.route]]`, first match wins, "*" matches all) or MX lookup (RFC 5321
// §5.1: preference order, equal preferences shuffled, implicit MX from A/AAAA, null MX per
// RFC 7505), then SMTP to each host in turn until one answers: EHLO, STARTTLS (opportunistic
// or required), AUTH for an upstream smarthost, PIPELINING, per-recipient results, RFC 5321
// §4.5.3.2 timeouts. Connections are reused for the next message to the same host and limited
// per destination. Runs on an event loop; DNS goes to the blocking pool. Thread-safe to share
// between workers (each call stays on the caller's executor).
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "dns/resolver.h"

namespace postern::outbound {

enum class Outcome { Delivered, Transient, Permanent };

struct RecipientResult {
  std::string recipient;
  Outcome outcome = Outcome::Transient;
  std::string reply;  // the remote reply ("250 2.0.0 Ok: queued as X"), or a local explanation
                      // ("4.4.1 connection refused by 127.0.0.1:25"); one line
};

struct DeliveryRequest {
  std::string queue_id;
  std::string mail_from;                // "" = null sender
  std::string domain;                   // every recipient is in this domain (lower-case)
  std::vector<std::string> recipients;
  std::shared_ptr<const std::string> message;  // RFC 5322 bytes, CRLF, not dot-stuffed
  bool smtputf8 = false;
  bool body_8bitmime = false;
};

struct DeliveryResult {
  std::vector<RecipientResult> recipients;  // one per requested recipient, same order
  std::string mx;                           // host (and :port when not 25) that answered, or ""
};

class Deliverer {
 public:
  virtual ~Deliverer() = default;
  virtual boost::asio::awaitable<DeliveryResult> deliver(DeliveryRequest request) = 0;
};

// The real one. `blocking` runs DNS queries; `config` outlives it.
std::unique_ptr<Deliverer> make_smtp_deliverer(const config::Config& config, dns::Resolver& resolver,
                                               boost::asio::thread_pool& blocking);

}  // namespace postern::outbound
