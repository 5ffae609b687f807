// inbound::Session: one SMTP connection, read top to bottom as a coroutine. It drives the
// socket-free smtp::Server, asks auth:: to check credentials and queue:: to make messages
// durable (both on the blocking pool), and logs every AUTH attempt with its precise reason.
// A session lives on one worker thread; its state is its own. Errors close this session only.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "config/config.h"
#include "inbound/services.h"

namespace postern::inbound {

// Runs the session to its end; never throws.
boost::asio::awaitable<void> run_session(boost::asio::ip::tcp::socket socket,
                                         const config::Listener& listener, Services& services);

}  // namespace postern::inbound
