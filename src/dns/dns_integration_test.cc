// UnboundResolver against a real dnsmasq, started here on a free loopback port and stopped by
// PID: MX order and null MX, NODATA, NXDOMAIN, REFUSED as ServFail, TXT, A/AAAA, and the time
// cap against a server that never answers.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "dns/resolver.h"

extern char** environ;

namespace postern::dns {
namespace {

// A UDP socket bound to 127.0.0.1 on a free port (kept open while `keep` is true).
int bound_udp(std::uint16_t& port) {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sa.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  socklen_t len = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  port = ntohs(sa.sin_port);
  return fd;
}

class Dnsmasq : public ::testing::Test {
 protected:
  void SetUp() override {
    // dnsmasq needs the port free for both UDP and TCP; another test may take it between our
    // probe and dnsmasq's bind, so a dnsmasq that exits at once is retried on a new port.
    for (int attempt = 0; attempt < 10 && !spawned(); ++attempt) {
    }
    ASSERT_GT(pid_, 0) << "dnsmasq could not start";
    auto r = make_resolver("127.0.0.1:" + std::to_string(port_), std::chrono::seconds(3));
    ASSERT_TRUE(r.ok()) << r.error().message;
    resolver_ = std::move(*r);
    // Ready once it answers.
    for (int i = 0; i < 100; ++i) {
      if (!resolver_->a("mx-a.mail.test").records.empty()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "dnsmasq did not answer on port " << port_;
  }

  // Starts dnsmasq on a fresh port; false (and pid_ = -1) when it exited at once.
  bool spawned() {
    int fd = bound_udp(port_);
    ::close(fd);
    std::vector<std::string> args = {
        POSTERN_DNSMASQ, "--no-daemon", "--keep-in-foreground", "--port=" + std::to_string(port_),
        "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
        "--conf-file=/dev/null", "--local=/test/", "--log-facility=/dev/null",
        "--mx-host=mail.test,mx-b.mail.test,20", "--mx-host=mail.test,MX-A.Mail.Test,10",
        "--mx-host=mail.test,mx-c.mail.test,30", "--dns-rr=nullmx.test,15,000000",
        "--host-record=mx-a.mail.test,127.0.0.1", "--host-record=dual.test,127.0.0.2,::2",
        "--txt-record=txt.test,v=spf1 -all,more"};
    if (::geteuid() == 0) args.push_back("--user=root");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, POSTERN_DNSMASQ, nullptr, nullptr, argv.data(), environ) != 0) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {  // exited: the port was taken
      pid_ = -1;
      return false;
    }
    return true;
  }
  void TearDown() override {
    resolver_.reset();
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::unique_ptr<Resolver> resolver_;
};

TEST_F(Dnsmasq, MxRecordsParsed) {
  auto mx = resolver_->mx("mail.test");
  ASSERT_EQ(mx.rcode, Rcode::NoError);
  ASSERT_EQ(mx.records.size(), 3u);
  std::sort(mx.records.begin(), mx.records.end(),
            [](auto& a, auto& b) { return a.preference < b.preference; });
  EXPECT_EQ(mx.records[0].host, "mx-a.mail.test");
  EXPECT_EQ(mx.records[0].preference, 10);
  EXPECT_EQ(mx.records[1].host, "mx-b.mail.test");
  EXPECT_EQ(mx.records[2].preference, 30);
  EXPECT_FALSE(mx.secure);
}

TEST_F(Dnsmasq, NullMx) {
  auto mx = resolver_->mx("nullmx.test");
  ASSERT_EQ(mx.rcode, Rcode::NoError);
  ASSERT_EQ(mx.records.size(), 1u);
  EXPECT_EQ(mx.records[0].host, "");
  EXPECT_EQ(mx.records[0].preference, 0);
}

TEST_F(Dnsmasq, NoDataAndNxDomain) {
  auto nodata = resolver_->mx("dual.test");
  EXPECT_EQ(nodata.rcode, Rcode::NoError);
  EXPECT_TRUE(nodata.records.empty());
  EXPECT_EQ(resolver_->mx("nope.test").rcode, Rcode::NxDomain);
  EXPECT_EQ(resolver_->a("nope.test").rcode, Rcode::NxDomain);
}

TEST_F(Dnsmasq, RefusedIsServFail) {
  EXPECT_EQ(resolver_->mx("elsewhere.example").rcode, Rcode::ServFail);
}

TEST_F(Dnsmasq, TxtAndAddresses) {
  auto txt = resolver_->txt("txt.test");
  ASSERT_EQ(txt.rcode, Rcode::NoError);
  ASSERT_EQ(txt.records.size(), 1u);
  EXPECT_EQ(txt.records[0], "v=spf1 -allmore");
  auto a = resolver_->a("dual.test");
  ASSERT_EQ(a.records.size(), 1u);
  EXPECT_EQ(a.records[0], "127.0.0.2");
  auto aaaa = resolver_->aaaa("dual.test");
  ASSERT_EQ(aaaa.records.size(), 1u);
  EXPECT_EQ(aaaa.records[0], "::2");
}

TEST_F(Dnsmasq, ConcurrentQueries) {
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i)
        if (resolver_->mx("mail.test").records.size() == 3) ++good;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), 160);
}

TEST(UnboundResolver, SilentServerTimesOut) {
  std::uint16_t port = 0;
  int fd = bound_udp(port);  // bound, never read: queries vanish
  auto r = make_resolver("127.0.0.1:" + std::to_string(port), std::chrono::milliseconds(700));
  ASSERT_TRUE(r.ok());
  auto start = std::chrono::steady_clock::now();
  auto mx = (*r)->mx("slow.test");
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(mx.rcode, Rcode::Timeout);
  EXPECT_LT(took, std::chrono::seconds(3));
  ::close(fd);
}

}  // namespace
}  // namespace postern::dns
