// inbound::SmtpListener accepts connections on one configured address and starts a Session
// for each on the next worker. bind() happens before the workers run so that start-up fails
// early and `listening smtp <address> tls=<mode>` is printed only once the port is open.
#pragma once
#include <boost/asio/ip/tcp.hpp>

#include <memory>
#include <string>

#include "base/result.h"
#include "config/config.h"
#include "inbound/services.h"
#include "net/workers.h"

namespace postern::inbound {

class SmtpListener {
 public:
  SmtpListener(net::Workers& workers, const config::Listener& listener, Services& services);
  // Binds and listens; returns the actual "host:port" (port 0 resolved).
  Result<std::string> bind();
  void start();
  void close();

 private:
  net::Workers& workers_;
  // A copy whose address becomes the bound one (port 0 resolved), for logs and metrics.
  config::Listener listener_;
  Services& services_;
  boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace postern::inbound
