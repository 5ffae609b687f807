// open_session against a scripted server on loopback: plain text that a server sends after
// its 220 reply to STARTTLS (CVE-2011-0411, seen from the client) is never parsed; the client
// defers and drops the connection instead of starting TLS.
#include "outbound/client_session.h"

#include <gtest/gtest.h>

#include <array>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>

#include "tls/context.h"

namespace postern::outbound {
namespace {
namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;

struct Seen {
  std::vector<std::string> commands;  // lines the client sent
  std::string after_starttls;         // every byte the client sent after STARTTLS's reply
};

awaitable<std::string> read_line(tcp::socket& s, std::string& buf) {
  boost::system::error_code ec;
  std::size_t n = co_await asio::async_read_until(s, asio::dynamic_buffer(buf), "\r\n",
                                                  asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return std::string();
  std::string line = buf.substr(0, n);
  buf.erase(0, n);
  co_return line;
}

// Greets, offers STARTTLS, answers it with `starttls_reply` in one write, then records what
// the client sends next (nothing when it just closes the connection).
awaitable<void> scripted_server(tcp::acceptor& acceptor, std::string starttls_reply, Seen& seen) {
  tcp::socket s = co_await acceptor.async_accept(asio::use_awaitable);
  std::string buf;
  co_await asio::async_write(s, asio::buffer(std::string("220 mx.test ESMTP\r\n")),
                             asio::use_awaitable);
  seen.commands.push_back(co_await read_line(s, buf));  // EHLO
  co_await asio::async_write(s, asio::buffer(std::string("250-mx.test\r\n250 STARTTLS\r\n")),
                             asio::use_awaitable);
  seen.commands.push_back(co_await read_line(s, buf));  // STARTTLS
  co_await asio::async_write(s, asio::buffer(starttls_reply), asio::use_awaitable);
  seen.after_starttls = buf;
  if (!buf.empty()) co_return;
  // The client's next bytes, or EOF; then hang up (a handshake in progress fails at once).
  std::array<char, 512> more{};
  boost::system::error_code ec;
  std::size_t n = co_await s.async_read_some(asio::buffer(more),
                                             asio::redirect_error(asio::use_awaitable, ec));
  seen.after_starttls.append(more.data(), n);
}

awaitable<std::optional<HostFailure>> client(std::shared_ptr<Connection> c, tcp::endpoint to,
                                             SessionSettings settings) {
  if (auto r = co_await c->connect(to, std::chrono::seconds(5)); !r)
    co_return HostFailure{Outcome::Transient, "connect failed", false};
  auto failure = co_await open_session(*c, settings);
  c->close();
  co_return failure;
}

std::optional<HostFailure> run(const std::string& starttls_reply, Seen& seen) {
  asio::io_context io;
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  asio::co_spawn(io, scripted_server(acceptor, starttls_reply, seen), asio::detached);
  SessionSettings settings;
  settings.helo_name = "relay.test";
  settings.server_name = "mx.test";
  settings.timeouts.greeting = settings.timeouts.command = settings.timeouts.tls_handshake =
      std::chrono::seconds(5);
  auto connection =
      std::make_shared<Connection>(io.get_executor(), tls::make_insecure_client_context());
  auto f = asio::co_spawn(io, client(connection, acceptor.local_endpoint(), settings),
                          asio::use_future);
  io.run();
  return f.get();
}

TEST(StartTls, InjectedRepliesAfter220AbortTheSession) {
  for (std::string injected : {"250-injected\r\n250 PIPELINING\r\n", "554 5.7.1 injected\r\n"}) {
    Seen seen;
    auto failure = run("220 2.0.0 go ahead\r\n" + injected, seen);
    ASSERT_TRUE(failure.has_value()) << injected;
    EXPECT_EQ(failure->outcome, Outcome::Transient);
    EXPECT_FALSE(failure->tls_failed) << "no plain-text retry for an injection";
    EXPECT_EQ(failure->reply.rfind("451 4.5.0 ", 0), 0u) << failure->reply;
    EXPECT_EQ(failure->reply.find("injected"), std::string::npos) << failure->reply;
    ASSERT_EQ(seen.commands.size(), 2u);
    EXPECT_EQ(seen.commands[1], "STARTTLS\r\n");
    // Neither a ClientHello nor a command: the client hung up.
    EXPECT_EQ(seen.after_starttls, "") << testing::PrintToString(seen.after_starttls);
  }
}

TEST(StartTls, A220AloneStartsTheHandshake) {
  // The control: without injected bytes the client goes on to TLS (a ClientHello, record
  // type 22), which this server does not speak, so the handshake fails.
  Seen seen;
  auto failure = run("220 2.0.0 go ahead\r\n", seen);
  ASSERT_TRUE(failure.has_value());
  EXPECT_TRUE(failure->tls_failed) << failure->reply;
  ASSERT_FALSE(seen.after_starttls.empty());
  EXPECT_EQ(seen.after_starttls[0], '\x16');
}

}  // namespace
}  // namespace postern::outbound
