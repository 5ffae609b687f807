// http::post and parse_url: URL forms, errors as values (refused, timeout, bad TLS), the
// response body cap.
#include "http/client.h"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <filesystem>

#include "http/test_support.h"
#include "tls/context.h"

namespace postern::http {
namespace {

using testing::ServerHarness;

Url url(const std::string& text) {
  Url u;
  EXPECT_TRUE(parse_url(text, u)) << text;
  return u;
}

TEST(ParseUrl, Forms) {
  auto a = url("http://example.com/hooks/1?x=y");
  EXPECT_FALSE(a.tls);
  EXPECT_EQ(a.host, "example.com");
  EXPECT_EQ(a.port, "80");
  EXPECT_EQ(a.target, "/hooks/1?x=y");
  auto b = url("https://Example.com:8443");
  EXPECT_TRUE(b.tls);
  EXPECT_EQ(b.host, "Example.com");
  EXPECT_EQ(b.port, "8443");
  EXPECT_EQ(b.target, "/");
  auto c = url("HTTPS://[2001:db8::1]/p#frag");
  EXPECT_TRUE(c.tls);
  EXPECT_EQ(c.host, "2001:db8::1");
  EXPECT_EQ(c.port, "443");
  EXPECT_EQ(c.target, "/p");
  auto d = url("http://127.0.0.1:8080?q=1");
  EXPECT_EQ(d.host, "127.0.0.1");
  EXPECT_EQ(d.target, "/?q=1");
}

TEST(ParseUrl, Refused) {
  Url u;
  for (std::string bad :
       {"", "ftp://example.com/", "example.com/x", "http://", "http:///x", "http://user:pw@host/",
        "http://host:/x", "http://host:0/", "http://host:65536/", "http://host:12a/",
        "http://ho st/", "http://host/a b", "http://[::1/", "http://[]/", "http://[::1]x/",
        "http://host\r\n/", "http://h%6Fst/"}) {
    EXPECT_FALSE(parse_url(bad, u)) << bad;
  }
}

TEST(Client, BadUrlIsAnError) {
  boost::asio::io_context io;
  auto f = boost::asio::co_spawn(io, post("nope", {}, "", std::chrono::seconds(1)),
                                 boost::asio::use_future);
  io.run();
  auto r = f.get();
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "bad url");
}

// A port nothing listens on: bind, read the port, close.
int free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

TEST(Client, ConnectionRefused) {
  boost::asio::io_context io;
  auto f = boost::asio::co_spawn(
      io, post("http://127.0.0.1:" + std::to_string(free_port()) + "/", {}, "x",
               std::chrono::seconds(5)),
      boost::asio::use_future);
  io.run();
  auto r = f.get();
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error.rfind("connect: ", 0), 0u) << r.error;
}

TEST(Client, SilentServerTimesOut) {
  // A listener that never accepts: the kernel completes the handshake, nobody answers.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor silent(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  int port = silent.local_endpoint().port();
  auto start = std::chrono::steady_clock::now();
  auto f = boost::asio::co_spawn(
      io, post("http://127.0.0.1:" + std::to_string(port) + "/", {}, "x",
               std::chrono::milliseconds(300)),
      boost::asio::use_future);
  io.run();
  auto r = f.get();
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "timeout");
  EXPECT_GE(took, std::chrono::milliseconds(250));
  EXPECT_LT(took, std::chrono::seconds(3));
}

TEST(Client, BodyCapKeepsStatus) {
  ServerHarness h([](const Request&) {
    Response r;
    r.status = 202;
    r.body = std::string(100 * 1024, 'z');
    return r;
  });
  auto r = h.run(post("http://" + h.address() + "/", {}, "", std::chrono::seconds(5)));
  EXPECT_EQ(r.status, 202);
  EXPECT_LE(r.body.size(), 64u * 1024);
}

TEST(Client, SmallBodyKeptWhole) {
  ServerHarness h([](const Request& req) {
    Response r;
    r.status = 500;
    r.body = "ua=" + req.header("user-agent") + " host=" + req.header("host") +
             " len=" + req.header("content-length") + " ct=" + req.header("content-type");
    return r;
  });
  auto r = h.run(post("http://" + h.address() + "/", {{"Content-Type", "application/json"},
                                                     {"Host", "evil"}, {"X-Bad", "a\r\nb: c"}},
                      "{}", std::chrono::seconds(5)));
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "ua=postern host=" + h.address() + " len=2 ct=application/json");
}

// A TLS server with a self-signed certificate: the client must refuse it.
TEST(Client, UntrustedCertificateIsRefused) {
  auto dir = std::filesystem::temp_directory_path() /
             ("postern-http-tls-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string cert = (dir / "cert.pem").string();
  std::string key = (dir / "key.pem").string();
  ASSERT_TRUE(tls::ensure_certificate(cert, key, "localhost").ok());
  auto context = tls::make_server_context(cert, key);
  ASSERT_TRUE(context.ok()) << context.error().message;

  boost::asio::io_context server_io;
  boost::asio::ip::tcp::acceptor acceptor(server_io,
                                          {boost::asio::ip::make_address("127.0.0.1"), 0});
  int port = acceptor.local_endpoint().port();
  std::thread server([&] {
    boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream(server_io, **context);
    boost::system::error_code ec;
    acceptor.accept(stream.next_layer(), ec);
    if (!ec) stream.handshake(boost::asio::ssl::stream_base::server, ec);  // fails: client aborts
  });
  boost::asio::io_context io;
  auto f = boost::asio::co_spawn(
      io, post("https://localhost:" + std::to_string(port) + "/", {}, "{}",
               std::chrono::seconds(5)),
      boost::asio::use_future);
  io.run();
  auto r = f.get();
  server.join();
  std::filesystem::remove_all(dir);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error.rfind("tls: ", 0), 0u) << r.error;
  EXPECT_NE(r.error.find("certificate verify failed"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace postern::http
