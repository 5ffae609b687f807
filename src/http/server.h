// http::Server: HTTP/1.1 on the Asio event loop (Boost.Beast), keep-alive, one coroutine per
// connection. Limits: header 16 KiB, body `max_body` (413 beyond), 30 s to read a request,
// 60 s idle keep-alive. The handler is blocking (it may hit the store), so each request runs
// on the blocking pool and the connection coroutine resumes on its own executor afterwards.
// A handler that throws answers 500 {"error":"internal error"} (logged, never the exception
// text to the client). Every response gets X-Content-Type-Options: nosniff and
// Cache-Control: no-store unless the handler set its own Cache-Control.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "base/result.h"
#include "events/logger.h"
#include "http/message.h"

namespace postern::http {

using BlockingHandler = std::function<Response(const Request&)>;

struct ServerOptions {
  std::string address = "127.0.0.1:8025";  // host:port, port 0 = pick one
  std::size_t max_body = 1 << 20;
  std::size_t max_connections = 1000;  // beyond: 503 and close
};

class Server {
 public:
  Server(boost::asio::io_context& io, boost::asio::thread_pool& blocking, events::Logger& log,
         ServerOptions options, BlockingHandler handler);
  ~Server();
  // Binds and listens; returns the actual "host:port".
  Result<std::string> bind();
  void start();
  // Stops accepting; idle keep-alive connections close, a request in progress is answered
  // with Connection: close. Any thread.
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace postern::http
