// inbound::read_proxy_header: reads exactly the bytes of one PROXY v1/v2 header from a
// connection that has not started TLS (so nothing after the header, e.g. an implicit-TLS
// ClientHello, is consumed) and parses it (proxy/proxy_header.h). The caller arms its read
// deadline first; network errors throw like any other read.
#pragma once
#include <boost/asio/awaitable.hpp>

#include "base/result.h"
#include "inbound/transport.h"
#include "proxy/proxy_header.h"

namespace postern::inbound {

boost::asio::awaitable<Result<proxy::Header>> read_proxy_header(Transport& io);

}  // namespace postern::inbound
