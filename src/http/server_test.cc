// The server over real sockets: http::post against it, and raw bytes for framing, limits and
// keep-alive.
#include "http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

#include "http/client.h"
#include "http/router.h"
#include "http/test_support.h"

namespace postern::http {
namespace {

using testing::eventually;
using testing::RawConnection;
using testing::RawResponse;
using testing::ServerHarness;

// Echoes what the server built: method, path, a query parameter, a header, the peer, the body.
Response echo(const Request& r) {
  Response out;
  out.content_type = "text/plain";
  auto q = r.query.find("q");
  out.body = r.method + "|" + r.path + "|" + (q == r.query.end() ? "-" : q->second) + "|" +
             r.header("x-test") + "|" + r.header("content-type") + "|" + r.peer_ip + "|" + r.body;
  return out;
}

std::string get(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + extra + "\r\n";
}

TEST(Server, EchoThroughHttpPost) {
  ServerHarness h(echo);
  ASSERT_FALSE(h.address().empty());
  auto response = h.run(post("http://" + h.address() + "/echo/x%20y?q=a+b",
                             {{"Content-Type", "application/json"}, {"X-Test", "yes"}},
                             R"({"hello":"world"})", std::chrono::seconds(5)));
  EXPECT_EQ(response.error, "");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body,
            R"(POST|/echo/x y|a b|yes|application/json|127.0.0.1|{"hello":"world"})");
}

TEST(Server, RouterStatusesComeThrough) {
  Router router;
  router.add("GET", "/things/{id}", [](const Request&, const Params& p) {
    Response r;
    r.body = "{\"id\":\"" + p.at("id") + "\"}";
    return r;
  });
  ServerHarness h([&router](const Request& r) { return router.dispatch(r); });
  auto missing = h.run(post("http://" + h.address() + "/nope", {}, "", std::chrono::seconds(5)));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, R"({"error":"no such route"})");
  auto wrong = h.run(post("http://" + h.address() + "/things/7", {}, "", std::chrono::seconds(5)));
  EXPECT_EQ(wrong.status, 405);

  RawConnection c(h.port());
  ASSERT_TRUE(c.send("PUT /things/7 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));
  auto r = c.read_response();
  EXPECT_EQ(r.status, 405);
  EXPECT_TRUE(r.has_header("Allow: GET, HEAD")) << r.head;

  // HEAD: the GET route answers, the headers (Content-Length included) come without the body.
  c.expect_head(true);
  ASSERT_TRUE(c.send("HEAD /things/7 HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto head = c.read_response();
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.has_header("Content-Length: 10")) << head.head;
  c.expect_head(false);
  // Nothing of the body was sent: the next response on the connection parses cleanly.
  ASSERT_TRUE(c.send(get("/things/8")));
  auto next = c.read_response();
  EXPECT_EQ(next.status, 200);
  EXPECT_EQ(next.body, R"({"id":"8"})");
}

TEST(Server, StandardHeaders) {
  ServerHarness h(echo);
  RawConnection c(h.port());
  ASSERT_TRUE(c.send(get("/")));
  auto r = c.read_response();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r.head;
  EXPECT_TRUE(r.has_header("X-Content-Type-Options: nosniff")) << r.head;
  EXPECT_TRUE(r.has_header("Cache-Control: no-store")) << r.head;
  EXPECT_TRUE(r.has_header("Content-Type: text/plain")) << r.head;
  EXPECT_TRUE(r.has_header("Content-Length: " + std::to_string(r.body.size()))) << r.head;
  EXPECT_EQ(r.body, "GET|/|-|||127.0.0.1|");
}

TEST(Server, HandlerHeadersAndCacheControl) {
  ServerHarness h([](const Request&) {
    Response r;
    r.status = 201;
    r.headers = {{"Cache-Control", "max-age=60"},
                 {"Set-Cookie", "a=1; HttpOnly"},
                 {"Set-Cookie", "b=2"},
                 {"X-Evil", "x\r\nInjected: yes"},
                 {"Content-Length", "999"}};
    r.body = "{}";
    return r;
  });
  RawConnection c(h.port());
  ASSERT_TRUE(c.send(get("/")));
  auto r = c.read_response();
  EXPECT_EQ(r.status, 201);
  EXPECT_TRUE(r.has_header("Cache-Control: max-age=60")) << r.head;
  EXPECT_EQ(r.head.find("no-store"), std::string::npos) << r.head;
  EXPECT_TRUE(r.has_header("Set-Cookie: a=1; HttpOnly")) << r.head;
  EXPECT_TRUE(r.has_header("Set-Cookie: b=2")) << r.head;
  EXPECT_EQ(r.head.find("Injected"), std::string::npos) << r.head;
  EXPECT_TRUE(r.has_header("Content-Length: 2")) << r.head;
  EXPECT_EQ(r.head.find("999"), std::string::npos) << r.head;
  EXPECT_EQ(r.body, "{}");
}

TEST(Server, NoContentHasNoBodyOrLength) {
  ServerHarness h([](const Request&) {
    Response r;
    r.status = 204;
    r.body = "dropped";
    return r;
  });
  RawConnection c(h.port());
  ASSERT_TRUE(c.send(get("/") + get("/")));
  auto first = c.read_response();
  EXPECT_EQ(first.status, 204);
  EXPECT_EQ(first.head.find("Content-Length"), std::string::npos) << first.head;
  // The second pipelined answer follows directly: no body bytes came in between.
  auto second = c.read_response();
  EXPECT_EQ(second.status, 204);
}

TEST(Server, KeepAliveTwoRequestsOnOneConnection) {
  std::atomic<int> calls{0};
  ServerHarness h([&calls](const Request& r) {
    ++calls;
    return echo(r);
  });
  RawConnection c(h.port());
  ASSERT_TRUE(c.send(get("/one")));
  auto first = c.read_response();
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.head.find("Connection: close"), std::string::npos) << first.head;
  ASSERT_TRUE(c.send("POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"));
  auto second = c.read_response();
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.body, "POST|/two|-|||127.0.0.1|abc");
  EXPECT_EQ(calls.load(), 2);
}

TEST(Server, ConnectionCloseIsHonoured) {
  ServerHarness h(echo);
  RawConnection c(h.port());
  ASSERT_TRUE(c.send(get("/", "Connection: close\r\n")));
  auto r = c.read_response();
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.has_header("Connection: close")) << r.head;
  EXPECT_TRUE(c.closed_by_peer());
}

TEST(Server, Http10ClosesUnlessKeepAlive) {
  ServerHarness h(echo);
  RawConnection c(h.port());
  ASSERT_TRUE(c.send("GET / HTTP/1.0\r\n\r\n"));
  auto r = c.read_response();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.head.rfind("HTTP/1.0 200", 0), 0u) << r.head;
  EXPECT_TRUE(c.closed_by_peer());

  RawConnection k(h.port());
  ASSERT_TRUE(k.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  EXPECT_EQ(k.read_response().status, 200);
  ASSERT_TRUE(k.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  EXPECT_EQ(k.read_response().status, 200);
}

TEST(Server, OversizedBodyIs413) {
  ServerOptions options;
  options.max_body = 100;
  std::atomic<int> calls{0};
  ServerHarness h(
      [&calls](const Request& r) {
        ++calls;
        return echo(r);
      },
      options);
  RawConnection c(h.port());
  ASSERT_TRUE(c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n" +
                     std::string(101, 'a')));
  auto r = c.read_response();
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.body, R"({"error":"request body too large"})");
  EXPECT_TRUE(r.has_header("Connection: close")) << r.head;

  // Chunked bodies are counted as they come.
  RawConnection chunked(h.port());
  ASSERT_TRUE(chunked.send(
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n50\r\n" +
      std::string(80, 'b') + "\r\n50\r\n" + std::string(80, 'b') + "\r\n0\r\n\r\n"));
  EXPECT_EQ(chunked.read_response().status, 413);

  // Exactly the limit passes.
  RawConnection fits(h.port());
  ASSERT_TRUE(fits.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" +
                        std::string(100, 'a')));
  EXPECT_EQ(fits.read_response().status, 200);
  EXPECT_EQ(calls.load(), 1);
}

TEST(Server, ExpectContinue) {
  ServerHarness h(echo);
  RawConnection c(h.port());
  ASSERT_TRUE(c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = c.read_response();
  EXPECT_EQ(interim.status, 100);
  ASSERT_TRUE(c.send("hello"));
  auto r = c.read_response();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "POST|/|-|||127.0.0.1|hello");
}

TEST(Server, MalformedRequestIs400) {
  ServerHarness h(echo);
  for (std::string bad : {"GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
                          "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -3\r\n\r\n",
                          "GET / HTTP/1.1\r\n\r\n" /* no Host */}) {
    RawConnection c(h.port());
    ASSERT_TRUE(c.send(bad));
    auto r = c.read_response();
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_TRUE(c.closed_by_peer()) << bad;
  }
}

TEST(Server, BadTargetsAre400) {
  std::atomic<int> calls{0};
  ServerHarness h([&calls](const Request& r) {
    ++calls;
    return echo(r);
  });
  for (std::string target : {"/a/../b", "/a/%2e%2e/b", "/a%00", "/a%zz", "http://x/abs", "*"}) {
    RawConnection c(h.port());
    ASSERT_TRUE(c.send(get(target)));
    auto r = c.read_response();
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_EQ(r.body, R"({"error":"bad request target"})") << target;
  }
  EXPECT_EQ(calls.load(), 0);
}

TEST(Server, OversizedHeaderIs431) {
  ServerHarness h(echo);
  RawConnection c(h.port());
  ASSERT_TRUE(c.send(get("/", "X-Big: " + std::string(17 * 1024, 'h') + "\r\n")));
  auto r = c.read_response();
  EXPECT_EQ(r.status, 431);
  // Just under the limit is fine.
  RawConnection ok(h.port());
  ASSERT_TRUE(ok.send(get("/", "X-Big: " + std::string(15 * 1024, 'h') + "\r\n")));
  EXPECT_EQ(ok.read_response().status, 200);
}

TEST(Server, HeadersAreLowerCasedAndJoined) {
  ServerHarness h([](const Request& r) {
    Response out;
    for (const auto& [k, v] : r.headers)
      if (k.rfind("x-", 0) == 0 || k == "cookie") out.body += k + "=" + v + "\n";
    return out;
  });
  RawConnection c(h.port());
  ASSERT_TRUE(c.send(get("/", "X-One: 1\r\nX-TWO: a\r\nx-two: b\r\nCookie: a=1\r\nCookie: b=2\r\n")));
  auto r = c.read_response();
  EXPECT_EQ(r.body, "cookie=a=1; b=2\nx-one=1\nx-two=a, b\n");
}

TEST(Server, HandlerExceptionIs500WithoutItsText) {
  ServerHarness h([](const Request&) -> Response {
    throw std::runtime_error("database exploded at row 42");
  });
  RawConnection c(h.port());
  ASSERT_TRUE(c.send("POST /api/x HTTP/1.1\r\nHost: x\r\nContent-Length: 14\r\n\r\npassword=hunter"));
  auto r = c.read_response();
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, R"({"error":"internal error"})");
  EXPECT_EQ(r.head.find("exploded"), std::string::npos);
  // The connection survives the failure.
  ASSERT_TRUE(c.send(get("/")));
  EXPECT_EQ(c.read_response().status, 500);
  ASSERT_TRUE(eventually([&] { return h.log_text().find("http_handler_error") != std::string::npos; }));
  std::string log = h.log_text();
  EXPECT_NE(log.find("database exploded at row 42"), std::string::npos) << log;
  EXPECT_NE(log.find("/api/x"), std::string::npos) << log;
  EXPECT_EQ(log.find("hunter"), std::string::npos) << log;
}

TEST(Server, NonExceptionThrowIs500) {
  ServerHarness h([](const Request&) -> Response { throw 42; });
  RawConnection c(h.port());
  ASSERT_TRUE(c.send(get("/")));
  EXPECT_EQ(c.read_response().status, 500);
}

TEST(Server, ConnectionLimitAnswers503) {
  ServerOptions options;
  options.max_connections = 1;
  ServerHarness h(echo, options);
  RawConnection first(h.port());
  ASSERT_TRUE(first.send(get("/")));
  ASSERT_EQ(first.read_response().status, 200);  // the first connection holds the one slot
  RawConnection second(h.port());
  ASSERT_TRUE(second.send(get("/")));
  auto r = second.read_response();
  EXPECT_EQ(r.status, 503);
  EXPECT_TRUE(r.has_header("Connection: close")) << r.head;
  // Once the first leaves, a new connection is served.
  first.send(get("/", "Connection: close\r\n"));
  EXPECT_EQ(first.read_response().status, 200);
  EXPECT_TRUE(eventually([&] {
    RawConnection third(h.port());
    third.send(get("/"));
    return third.read_response().status == 200;
  }));
}

TEST(Server, CloseStopsAcceptingAndClosesIdleConnections) {
  ServerHarness h(echo);
  RawConnection idle(h.port());
  ASSERT_TRUE(idle.send(get("/")));
  ASSERT_EQ(idle.read_response().status, 200);
  h.server().close();
  EXPECT_TRUE(idle.closed_by_peer());
  EXPECT_TRUE(eventually([&] { return !RawConnection(h.port(), 500).connected(); }));
}

TEST(Server, BindRefusesBadAddresses) {
  boost::asio::io_context io;
  boost::asio::thread_pool pool(1);
  events::Logger log(stderr);
  for (std::string address : {"nonsense", "example.com:80", "127.0.0.1:99999", "127.0.0.1:"}) {
    ServerOptions options;
    options.address = address;
    Server server(io, pool, log, options, echo);
    EXPECT_FALSE(server.bind().ok()) << address;
  }
  ServerOptions options;
  options.address = "[::1]:0";
  Server v6(io, pool, log, options, echo);
  auto bound = v6.bind();
  if (bound) {  // hosts without IPv6 skip this
    EXPECT_EQ(bound->rfind("[::1]:", 0), 0u) << *bound;
  }
  pool.join();
}

}  // namespace
}  // namespace postern::http
