// Stress tests for the thread-safe pieces whose own tests are single-threaded: the spool's
// group commit, the credential cache, the connection limiter and the events batch writer.
// They check the promised results under contention, and give ThreadSanitizer (make test-tsan)
// something to watch: a data race in any of them is reported there.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "auth/credential_cache.h"
#include "events/batch_writer.h"
#include "net/connection_limiter.h"
#include "queue/spool.h"

using namespace postern;
namespace fs = std::filesystem;

namespace {

constexpr int kThreads = 8;

void run_threads(int n, const std::function<void(int)>& body) {
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) threads.emplace_back(body, i);
  for (auto& t : threads) t.join();
}

}  // namespace

TEST(Concurrency, SpoolGroupCommitStoresEveryMessageOnce) {
  const std::string dir =
      (fs::temp_directory_path() / ("postern-concurrency-" + std::to_string(::getpid()))).string();
  fs::remove_all(dir);
  {
    queue::Spool spool(dir);
    ASSERT_TRUE(spool.open().ok());
    constexpr int kEach = 25;
    std::mutex mu;
    std::vector<std::pair<std::string, std::string>> stored;  // (id, body)
    std::atomic<int> failures{0};
    run_threads(kThreads, [&](int t) {
      for (int i = 0; i < kEach; ++i) {
        queue::EnvelopeRecord e;
        e.mail_from = "app@example.test";
        e.recipients = {"t" + std::to_string(t) + "@example.org"};
        std::string body = "Subject: " + std::to_string(t) + "-" + std::to_string(i) + "\r\n\r\n" +
                           std::string(100 + i * 10, 'x') + "\r\n";
        auto id = spool.store(e, body);
        if (!id) {
          ++failures;
          continue;
        }
        std::lock_guard lock(mu);
        stored.emplace_back(*id, body);
      }
    });
    EXPECT_EQ(failures.load(), 0);
    ASSERT_EQ(stored.size(), static_cast<std::size_t>(kThreads * kEach));
    std::set<std::string> ids;
    for (const auto& [id, body] : stored) {
      ids.insert(id);
      auto read = spool.read_message(id);
      ASSERT_TRUE(read.ok()) << id;
      EXPECT_EQ(*read, body);
    }
    EXPECT_EQ(ids.size(), stored.size()) << "duplicate queue ids";
    EXPECT_EQ(spool.list().size(), stored.size());
    // Concurrent removal, half of it without the directory fsync.
    std::vector<std::string> all(ids.begin(), ids.end());
    run_threads(kThreads, [&](int t) {
      for (std::size_t i = t; i < all.size(); i += kThreads) EXPECT_TRUE(spool.remove(all[i], i % 2).ok());
    });
    EXPECT_TRUE(spool.list().empty());
  }
  fs::remove_all(dir);
}

TEST(Concurrency, CredentialCacheStaysBoundedAndConsistent) {
  constexpr std::size_t kCapacity = 64;
  auth::CredentialCache cache(kCapacity, 60'000);
  std::atomic<int> misses_of_fresh{0};
  run_threads(kThreads, [&](int t) {
    storage::SmtpUser user;
    user.uuid = "uuid-" + std::to_string(t);
    user.version = 1;
    for (int i = 0; i < 2000; ++i) {
      const std::string password = "pw-" + std::to_string(i % 100);
      const Millis now = 1000 + i;
      cache.insert(user, "hash", password, now);
      // Another thread may evict or clear it at once; it must never be a wrong hit.
      if (!cache.contains(user, "hash", password, now)) ++misses_of_fresh;
      EXPECT_FALSE(cache.contains(user, "other-hash", password, now));
      if (i % 500 == 499 && t == 0) cache.clear();
      EXPECT_LE(cache.size(), kCapacity);
    }
  });
  EXPECT_LE(cache.size(), kCapacity);
  std::printf("fresh entries already evicted by other threads: %d of %d\n", misses_of_fresh.load(),
              kThreads * 2000);
}

TEST(Concurrency, ConnectionLimiterNeverExceedsItsLimit) {
  constexpr std::uint32_t kMax = 3;
  auto limiter = std::make_shared<net::ConnectionLimiter>(kMax);
  const std::vector<std::string> ips = {"192.0.2.1", "192.0.2.2", "2001:db8::1"};
  std::atomic<int> held[3] = {0, 0, 0};
  std::atomic<int> peak{0}, granted{0}, refused{0};
  run_threads(kThreads, [&](int t) {
    for (int i = 0; i < 3000; ++i) {
      const std::size_t k = (t + i) % ips.size();
      auto ticket = limiter->acquire(ips[k]);
      if (!ticket) {
        ++refused;
        continue;
      }
      ++granted;
      int now = ++held[k];
      int p = peak.load();
      while (now > p && !peak.compare_exchange_weak(p, now)) {
      }
      std::this_thread::yield();
      --held[k];
    }  // the ticket is released here
  });
  EXPECT_LE(peak.load(), static_cast<int>(kMax));
  EXPECT_GT(granted.load(), 0);
  for (const auto& ip : ips) EXPECT_EQ(limiter->active(ip), 0u);
  EXPECT_EQ(limiter->total(), 0u);
  std::printf("granted %d, refused %d, peak %d per IP\n", granted.load(), refused.load(), peak.load());
}

TEST(Concurrency, BatchWriterWritesEveryEventOnceAndFlushWaits) {
  std::vector<int> written;  // touched only by the writer thread, read after flush()
  std::atomic<int> batches{0};
  {
    events::BatchWriter<int> writer(
        [&](std::span<const int> batch) {
          written.insert(written.end(), batch.begin(), batch.end());
          ++batches;
          return ok_status();
        },
        [](const Error&) {});
    constexpr int kEach = 3000;
    run_threads(kThreads, [&](int t) {
      for (int i = 0; i < kEach; ++i) {
        writer.record(t * kEach + i);
        if (i % 1000 == 999) writer.flush();
      }
    });
    writer.flush();
    ASSERT_EQ(written.size(), static_cast<std::size_t>(kThreads * kEach));
    std::set<int> unique(written.begin(), written.end());
    EXPECT_EQ(unique.size(), written.size());
    for (int i = 0; i < 10; ++i) writer.record(-1 - i);  // left for the destructor to write
  }
  EXPECT_EQ(written.size(), static_cast<std::size_t>(kThreads * 3000 + 10));
  std::printf("%zu events in %d batches\n", written.size(), batches.load());
}
