// The Dispatcher against a real SQLite store, a fake clock and a loopback HTTP receiver that
// answers with programmed status codes.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <cstdio>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "storage/testing/temp_dir.h"
#include "webhooks/dispatcher.h"

using namespace postern;
using namespace std::chrono_literals;

namespace {

class FakeClock final : public Clock {
 public:
  Millis now_ms() const override { return now.load(); }
  std::atomic<Millis> now{1'800'000'000'000};
};

struct Received {
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// Accepts connections on 127.0.0.1, reads one request each, answers the next programmed
// status (the last one repeats). Stops by shutting its socket down.
class Receiver {
 public:
  explicit Receiver(std::deque<int> statuses) : statuses_(std::move(statuses)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0)
      throw std::runtime_error("receiver bind failed");
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~Receiver() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<Received> requests() {
    std::lock_guard lock(mu_);
    return got_;
  }
  // Polls until `n` requests arrived (the dispatcher works on its own threads).
  bool wait_for(std::size_t n, std::chrono::milliseconds timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (requests().size() >= n) return true;
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }

 private:
  void serve() {
    for (;;) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string data;
      char buf[4096];
      std::size_t header_end = std::string::npos, need = 0;
      for (;;) {
        ssize_t n = ::read(c, buf, sizeof buf);
        if (n <= 0) break;
        data.append(buf, static_cast<std::size_t>(n));
        if (header_end == std::string::npos &&
            (header_end = data.find("\r\n\r\n")) != std::string::npos) {
          auto cl = lower(data.substr(0, header_end)).find("content-length:");
          need = cl == std::string::npos ? 0 : std::stoul(data.substr(cl + 15));
        }
        if (header_end != std::string::npos && data.size() >= header_end + 4 + need) break;
      }
      Received r;
      if (header_end != std::string::npos) {
        std::size_t pos = data.find("\r\n") + 2;
        while (pos < header_end) {
          std::size_t eol = data.find("\r\n", pos);
          std::string line = data.substr(pos, eol - pos);
          auto colon = line.find(':');
          std::string value = line.substr(colon + 1);
          value.erase(0, value.find_first_not_of(' '));
          r.headers[lower(line.substr(0, colon))] = value;
          pos = eol + 2;
        }
        r.body = data.substr(header_end + 4, need);
      }
      int status;
      {
        std::lock_guard lock(mu_);
        got_.push_back(r);
        status = statuses_.front();
        if (statuses_.size() > 1) statuses_.pop_front();
      }
      std::string reply = "HTTP/1.1 " + std::to_string(status) +
                          " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      (void)!::write(c, reply.data(), reply.size());
      ::close(c);
    }
  }
  static std::string lower(std::string s) {
    for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  }

  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::deque<int> statuses_;
  std::vector<Received> got_;
};

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = storage::open_store("sqlite:" + dir_.file("t.db"));
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened.value());
    ASSERT_TRUE(store_->create_account("acme").ok());
    ASSERT_TRUE(store_->create_account("other").ok());
    log_file_ = std::fopen(dir_.file("log.jsonl").c_str(), "w");
    logger_ = std::make_unique<events::Logger>(log_file_);
  }
  void TearDown() override {
    dispatcher_.reset();
    work_.reset();
    // A POST still under way when the dispatcher goes would wait forever for the joined pool
    // to record its outcome (as in the server, where the loop is stopped at shutdown).
    io_.stop();
    if (io_thread_.joinable()) io_thread_.join();
    std::fclose(log_file_);
  }

  storage::Webhook hook(const std::string& url, std::vector<std::string> events,
                        std::string account = "acme") {
    storage::Webhook h;
    h.account = std::move(account);
    h.url = url;
    h.events = std::move(events);
    h.secret = "whsec_unit";
    auto made = store_->create_webhook(h);
    EXPECT_TRUE(made.ok()) << made.error().message;
    return made.value();
  }

  void start(std::vector<std::int64_t> schedule, std::chrono::milliseconds hook_cache_ttl = 0ms) {
    webhooks::Settings s;
    s.schedule_ms = std::move(schedule);
    s.poll_interval = 20ms;
    s.hook_cache_ttl = hook_cache_ttl;
    s.request_timeout = 5s;
    dispatcher_ = std::make_unique<webhooks::Dispatcher>(io_, *store_, *logger_, clock_, s);
    dispatcher_->start();
    io_thread_ = std::thread([this] { io_.run(); });
  }

  storage::WebhookDelivery wait_row(
      std::int64_t hook_id, const std::function<bool(const storage::WebhookDelivery&)>& pred) {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      for (auto& row : store_->list_webhook_deliveries(hook_id, std::nullopt, 50))
        if (pred(row)) return row;
      std::this_thread::sleep_for(5ms);
    }
    ADD_FAILURE() << "no matching delivery row";
    return {};
  }

  // The log line follows the row update: poll for it.
  std::string wait_log(const std::string& needle) {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    std::string text;
    while (std::chrono::steady_clock::now() < deadline) {
      text = log_text();
      if (text.find(needle) != std::string::npos) break;
      std::this_thread::sleep_for(5ms);
    }
    return text;
  }

  // The logger flushes every line; the file is read through its own stream.
  std::string log_text() {
    std::ifstream in(dir_.file("log.jsonl"));
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  storage::testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::FILE* log_file_ = nullptr;
  std::unique_ptr<events::Logger> logger_;
  FakeClock clock_;
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{
      io_.get_executor()};
  std::thread io_thread_;
  std::unique_ptr<webhooks::Dispatcher> dispatcher_;
};

storage::MessageEvent message(const std::string& status, const std::string& account = "acme") {
  storage::MessageEvent e;
  e.time = 1'800'000'000'000;
  e.id = "Q123";
  e.account = account;
  e.user = "crm";
  e.rcpt = "bob@example.org";
  e.status = status;
  return e;
}

}  // namespace

TEST_F(DispatcherTest, SignedPostFailsThenIsRetriedWithTheSameDeliveryId) {
  Receiver receiver({500, 200});
  auto h = hook(receiver.url(), {"accepted"});
  start({1000, 2000});
  dispatcher_->on_message(message("accepted"));

  ASSERT_TRUE(receiver.wait_for(1));
  Received first = receiver.requests()[0];
  EXPECT_EQ(first.headers["content-type"], "application/json");
  EXPECT_EQ(first.headers["x-postern-event"], "accepted");
  std::string ts = first.headers["x-postern-timestamp"];
  EXPECT_EQ(ts, std::to_string(clock_.now_ms() / 1000));
  EXPECT_EQ(first.headers["x-postern-signature"],
            "sha256=" + webhooks::sign("whsec_unit", ts, first.body));
  EXPECT_EQ(first.body, webhooks::event_body(message("accepted")));

  auto failed = wait_row(h.id, [](auto& r) { return r.attempts == 1; });
  EXPECT_EQ(failed.status, "pending");
  EXPECT_EQ(failed.last_error, "HTTP 500");
  EXPECT_GE(failed.next_attempt_at, clock_.now_ms() + 900);  // 1 s ± 10 %
  EXPECT_LE(failed.next_attempt_at, clock_.now_ms() + 1100);
  EXPECT_EQ(std::to_string(failed.id), first.headers["x-postern-delivery"]);

  // Not due yet: nothing more is sent until the clock passes next_attempt_at.
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(receiver.requests().size(), 1u);
  clock_.now += 1200;
  ASSERT_TRUE(receiver.wait_for(2));
  EXPECT_EQ(receiver.requests()[1].headers["x-postern-delivery"],
            first.headers["x-postern-delivery"]);
  EXPECT_EQ(receiver.requests()[1].body, first.body);
  auto done = wait_row(h.id, [](auto& r) { return r.status == "delivered"; });
  EXPECT_EQ(done.attempts, 2);
  EXPECT_EQ(done.last_error, "");

  std::string log = wait_log("webhook_delivered");
  EXPECT_NE(log.find("webhook_failed"), std::string::npos) << log;
  EXPECT_NE(log.find("webhook_delivered"), std::string::npos) << log;
  EXPECT_EQ(log.find("whsec_unit"), std::string::npos) << log;       // never the secret
  EXPECT_EQ(log.find("bob@example.org"), std::string::npos) << log;  // nor the body
}

TEST_F(DispatcherTest, DeadAfterTheScheduleRunsOut) {
  Receiver receiver({503});
  auto h = hook(receiver.url(), {});
  start({1000});
  dispatcher_->on_message(message("bounced"));
  ASSERT_TRUE(receiver.wait_for(1));
  wait_row(h.id, [](auto& r) { return r.attempts == 1; });
  clock_.now += 1200;
  ASSERT_TRUE(receiver.wait_for(2));
  auto dead = wait_row(h.id, [](auto& r) { return r.status == "dead"; });
  EXPECT_EQ(dead.attempts, 2);
  EXPECT_EQ(dead.last_error, "HTTP 503");
  clock_.now += 100'000;
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(receiver.requests().size(), 2u);  // a dead letter is not tried again
  EXPECT_NE(wait_log("webhook_dead").find("webhook_dead"), std::string::npos);
}

TEST_F(DispatcherTest, ConnectionFailureIsRecorded) {
  std::string url;
  {
    Receiver closed({200});
    url = closed.url();
  }  // nothing listens there any more
  auto h = hook(url, {"accepted"});
  start({1000});
  dispatcher_->on_message(message("accepted"));
  auto failed = wait_row(h.id, [](auto& r) { return r.attempts == 1; });
  EXPECT_EQ(failed.status, "pending");
  EXPECT_NE(failed.last_error.find("connect"), std::string::npos) << failed.last_error;
}

TEST_F(DispatcherTest, OnlyMatchingHooksGetRows) {
  Receiver receiver({200});
  auto acme = hook(receiver.url(), {"delivered"});
  auto other = hook(receiver.url(), {"delivered", "auth_failed"}, "other");
  auto admin = hook(receiver.url(), {"auth_failed"}, "");
  start({1000});
  dispatcher_->on_message(message("delivered"));   // acme only
  dispatcher_->on_message(message("suppressed"));  // no webhook type
  dispatcher_->on_message(message("accepted"));    // nobody subscribed
  storage::AuthEvent fail;
  fail.result = "fail";
  fail.reason = "unknown_user";  // no account: admin only
  dispatcher_->on_auth(fail);
  storage::AuthEvent ok;
  ok.result = "ok";
  ok.account = "other";
  dispatcher_->on_auth(ok);  // successes make no webhook
  ASSERT_TRUE(receiver.wait_for(2));
  auto a = wait_row(acme.id, [](auto& r) { return r.status == "delivered"; });
  EXPECT_EQ(a.event, "delivered");
  auto b = wait_row(admin.id, [](auto& r) { return r.status == "delivered"; });
  EXPECT_EQ(b.event, "auth_failed");
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(receiver.requests().size(), 2u);
  EXPECT_TRUE(store_->list_webhook_deliveries(other.id, std::nullopt, 10).empty());
  EXPECT_EQ(store_->list_webhook_deliveries(acme.id, std::nullopt, 10).size(), 1u);
}

TEST_F(DispatcherTest, AHookCreatedOnThisNodeGetsEventsAtOnce) {
  Receiver receiver({200});
  start({1000}, std::chrono::hours(1));
  EXPECT_TRUE(dispatcher_->wants_events());
  dispatcher_->on_message(message("accepted"));  // no hooks yet: the empty list is cached
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (dispatcher_->wants_events() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  ASSERT_FALSE(dispatcher_->wants_events());
  auto h = hook(receiver.url(), {"accepted"});
  dispatcher_->on_message(message("accepted"));  // the cache still says "no hooks"
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(store_->list_webhook_deliveries(h.id, std::nullopt, 10).empty());

  dispatcher_->hooks_changed();  // what the API calls after creating a hook
  EXPECT_TRUE(dispatcher_->wants_events());
  dispatcher_->on_message(message("accepted"));
  ASSERT_TRUE(receiver.wait_for(1));
  wait_row(h.id, [](auto& r) { return r.status == "delivered"; });
  EXPECT_EQ(store_->list_webhook_deliveries(h.id, std::nullopt, 10).size(), 1u);
}
