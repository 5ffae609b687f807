// smtpload: a closed-loop SMTP submission load generator (STARTTLS or implicit TLS, AUTH
// PLAIN/LOGIN, PIPELINING). One io_context per --threads; sessions are spread round-robin.
// Prints a human summary, then one JSON line as the last line of output.
#include "smtpload/load.h"
#include "smtpload/options.h"
#include "smtpload/stats.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <condition_variable>
#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <memory>
#include <mutex>
#include <string_view>
#include <sys/resource.h>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using namespace postern::bench;

namespace {

// Thousands of idle sessions need thousands of descriptors.
void raise_descriptor_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

std::optional<asio::ip::tcp::endpoint> resolve(const Options& o) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(o.host, ec);
  if (!ec) return asio::ip::tcp::endpoint(address, o.port);
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  auto results = resolver.resolve(o.host, std::to_string(o.port), ec);
  if (ec || results.empty()) {
    std::fprintf(stderr, "smtpload: cannot resolve %s: %s\n", o.host.c_str(), ec.message().c_str());
    return std::nullopt;
  }
  return results.begin()->endpoint();
}

const char* tls_name(TlsMode m) {
  return m == TlsMode::StartTls ? "starttls" : m == TlsMode::Implicit ? "implicit" : "none";
}
const char* auth_name(AuthMechanism m) {
  return m == AuthMechanism::Plain ? "PLAIN" : m == AuthMechanism::Login ? "LOGIN" : "none";
}

// The units (messages, or AUTH attempts with --expect-auth-fail) the run was asked for: all of
// --messages, except that with --duration only what was offered before the time ran out.
std::int64_t total_units(const Options& o, const Load& load) {
  if (o.idle) return 0;
  return o.duration_s > 0 ? load.claimed() : o.messages;
}

// The good outcome of a unit: accepted (250), or with --expect-auth-fail refused as expected.
std::int64_t good_units(const Options& o, const Stats& s) {
  return o.expect_auth_fail ? s.auth_expected : s.accepted;
}

std::string json_string(const std::string& in) {
  std::string out = "\"";
  for (char ch : in) {
    if (ch == '"' || ch == '\\') out += '\\';
    if (static_cast<unsigned char>(ch) >= 0x20) out += ch;
  }
  return out + "\"";
}

std::string replies_json(const std::map<std::string, std::int64_t>& replies) {
  std::string out = "{";
  for (auto& [code, count] : replies) {
    if (out.size() > 1) out += ",";
    out += json_string(code) + ":" + std::to_string(count);
  }
  return out + "}";
}

void report(const Options& o, const Load& load, Stats& s, double elapsed_s, bool timed_out) {
  std::int64_t total = total_units(o, load);
  std::int64_t unsent = o.idle ? 0 : total - std::min(total, load.claimed());
  std::int64_t failed = o.idle ? 0 : total - good_units(o, s);  // refused, broken or never sent
  double msgs_per_s = elapsed_s > 0 ? static_cast<double>(s.accepted) / elapsed_s : 0;
  double sessions_per_s = elapsed_s > 0 ? static_cast<double>(s.sessions) / elapsed_s : 0;
  double sp50 = percentile(s.setup_ms, 50), sp90 = percentile(s.setup_ms, 90),
         sp99 = percentile(s.setup_ms, 99);
  double mp50 = percentile(s.message_ms, 50), mp90 = percentile(s.message_ms, 90),
         mp99 = percentile(s.message_ms, 99);
  double ap50 = percentile(s.auth_ms, 50), ap90 = percentile(s.auth_ms, 90),
         ap99 = percentile(s.auth_ms, 99), amax = percentile(s.auth_ms, 100);
  // AUTH attempts per second: those started within --duration over it, else over the run.
  double auth_per_s =
      o.duration_s > 0 ? static_cast<double>(load.auth_in_window()) / o.duration_s
                       : (elapsed_s > 0 ? static_cast<double>(s.auth_attempts) / elapsed_s : 0);
  double launch_s = load.launch_s();
  double started_per_s = launch_s > 0 ? static_cast<double>(s.sessions_started) / launch_s : 0;
  if (!o.quiet) {
    for (auto& [what, count] : s.errors) std::printf("error x%lld: %s\n", static_cast<long long>(count), what.c_str());
    if (o.rate > 0) {
      std::printf("open loop: %lld sessions started in %.2f s (%.1f/s, target %.1f/s), %lld late\n",
                  static_cast<long long>(s.sessions_started), launch_s, started_per_s, o.rate,
                  static_cast<long long>(s.launches_late));
    }
    if (o.expect_auth_fail) {
      std::printf("auth attempts: %lld sent (%.1f/s), %lld of %lld answered as expected, %lld not\n",
                  static_cast<long long>(s.auth_attempts), auth_per_s,
                  static_cast<long long>(s.auth_expected), static_cast<long long>(total),
                  static_cast<long long>(failed));
      std::string mix;
      for (auto& [code, count] : s.auth_replies)
        mix += (mix.empty() ? "" : ", ") + code + " x" + std::to_string(count);
      std::printf("auth replies: %s\n", mix.empty() ? "none" : mix.c_str());
      std::printf("AUTH reply (AUTH..reply) ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", ap50,
                  ap90, ap99, amax);
    } else if (o.idle) {
      std::printf("idle: %d/%d sessions established, peak %d open, %lld answered NOOP after %.0f s\n",
                  load.idle_established(), o.idle, load.idle_peak(),
                  static_cast<long long>(s.idle_alive), o.hold_s);
    } else {
      std::printf("messages: %lld accepted, %lld failed (%lld never sent) in %.2f s\n",
                  static_cast<long long>(s.accepted), static_cast<long long>(failed),
                  static_cast<long long>(unsent), elapsed_s);
      std::printf("throughput: %.1f messages/s, %.1f sessions/s\n", msgs_per_s, sessions_per_s);
      std::printf("per message (MAIL..250) ms: p50 %.2f  p90 %.2f  p99 %.2f\n", mp50, mp90, mp99);
      if (!s.auth_ms.empty())
        std::printf("AUTH (AUTH..235) ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", ap50, ap90,
                    ap99, amax);
    }
    std::printf("sessions: %lld set up, %lld failed; set-up ms: p50 %.2f  p90 %.2f  p99 %.2f\n",
                static_cast<long long>(s.sessions), static_cast<long long>(s.sessions_failed), sp50,
                sp90, sp99);
    if (timed_out) std::printf("stopped by --max-time %.0f s\n", o.max_time_s);
  }
  std::printf(
      "{\"accepted\":%lld,\"failed\":%lld,\"unsent\":%lld,\"elapsed_s\":%.3f,\"msgs_per_s\":%.1f,"
      "\"sessions\":%lld,\"sessions_failed\":%lld,\"sessions_per_s\":%.1f,"
      "\"setup_p50_ms\":%.3f,\"setup_p90_ms\":%.3f,\"setup_p99_ms\":%.3f,"
      "\"msg_p50_ms\":%.3f,\"msg_p90_ms\":%.3f,\"msg_p99_ms\":%.3f,"
      "\"idle_requested\":%d,\"idle_established\":%d,\"idle_peak\":%d,\"idle_alive\":%lld,"
      "\"connections\":%d,\"messages\":%lld,\"per_conn\":%d,\"size\":%zu,\"rcpts\":%d,"
      "\"tls\":\"%s\",\"auth\":\"%s\",\"pipelining\":%s,\"tls_resumption\":%s,\"threads\":%d,"
      "\"timed_out\":%s,\"errors\":%zu,"
      "\"auth_p50_ms\":%.3f,\"auth_p90_ms\":%.3f,\"auth_p99_ms\":%.3f,\"auth_max_ms\":%.3f,"
      "\"auth_samples\":%zu,\"auth_attempts\":%lld,\"auth_expected\":%lld,\"auth_per_s\":%.1f,"
      "\"auth_replies\":%s,\"expect_auth_fail\":%s,\"source\":%s,\"rate\":%.1f,"
      "\"duration_s\":%.1f,\"launch_s\":%.3f,\"sessions_started\":%lld,"
      "\"sessions_started_per_s\":%.1f,\"launches_late\":%lld}\n",
      static_cast<long long>(s.accepted), static_cast<long long>(failed),
      static_cast<long long>(unsent), elapsed_s, msgs_per_s, static_cast<long long>(s.sessions),
      static_cast<long long>(s.sessions_failed), sessions_per_s, sp50, sp90, sp99, mp50, mp90, mp99,
      o.idle, load.idle_established(), load.idle_peak(), static_cast<long long>(s.idle_alive),
      o.connections, static_cast<long long>(o.idle ? o.messages : total), o.per_conn, o.size, o.rcpts,
      tls_name(o.tls), auth_name(o.auth), o.pipelining ? "true" : "false",
      o.tls_resumption ? "true" : "false", o.threads, timed_out ? "true" : "false",
      s.errors.size(), ap50, ap90, ap99, amax, s.auth_ms.size(),
      static_cast<long long>(s.auth_attempts), static_cast<long long>(s.auth_expected), auth_per_s,
      replies_json(s.auth_replies).c_str(), o.expect_auth_fail ? "true" : "false",
      json_string(o.source).c_str(), o.rate, o.duration_s, launch_s,
      static_cast<long long>(s.sessions_started), started_per_s,
      static_cast<long long>(s.launches_late));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  auto options = parse_options(argc, argv);
  if (!options) {
    for (int i = 1; i < argc; ++i)
      if (std::string_view(argv[i]) == "-h" || std::string_view(argv[i]) == "--help") return 0;
    return 2;
  }
  const Options& o = *options;
  raise_descriptor_limit();
  auto server = resolve(o);
  if (!server) return 2;
  std::optional<asio::ip::address> source;
  if (!o.source.empty()) {
    boost::system::error_code ec;
    source = asio::ip::make_address(o.source, ec);
    if (ec) {
      std::fprintf(stderr, "smtpload: --source must be an IP address: %s\n", o.source.c_str());
      return 2;
    }
  }

  Load load(o, *server, source);
  std::vector<std::unique_ptr<asio::io_context>> loops;
  std::vector<Stats> stats(o.threads);
  for (int t = 0; t < o.threads; ++t) loops.push_back(std::make_unique<asio::io_context>(1));
  load.begin();
  for (int t = 0; o.rate > 0 && t < o.threads; ++t) {  // open loop: one launcher per thread
    int cap = std::max(1, o.connections / o.threads + (t < o.connections % o.threads ? 1 : 0));
    asio::co_spawn(*loops[t], load.run_launcher(o.rate / o.threads, cap, stats[static_cast<std::size_t>(t)]),
                   asio::detached);
  }
  for (int i = 0; o.rate <= 0 && i < o.connections; ++i) {
    auto t = static_cast<std::size_t>(i % o.threads);
    std::int64_t share = o.messages / o.connections + (i < o.messages % o.connections ? 1 : 0);
    auto work = o.idle ? load.run_idle_opener(stats[t]) : load.run_sender(share, stats[t]);
    asio::co_spawn(*loops[t], std::move(work), asio::detached);
  }

  std::mutex mutex;
  std::condition_variable finished_cv;
  int finished = 0;
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (auto& loop : loops) {
    threads.emplace_back([&, io = loop.get()] {
      io->run();
      std::lock_guard lock(mutex);
      ++finished;
      finished_cv.notify_one();
    });
  }
  auto limit = std::chrono::duration<double>(o.max_time_s + (o.idle ? o.hold_s : 0));
  bool timed_out = false;
  {
    std::unique_lock lock(mutex);
    timed_out = !finished_cv.wait_for(lock, limit, [&] { return finished == o.threads; });
  }
  if (timed_out)
    for (auto& loop : loops) loop->stop();  // thread-safe; run() returns soon after
  for (auto& t : threads) t.join();
  double elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();

  Stats total;
  for (auto& s : stats) total.merge(std::move(s));
  report(o, load, total, elapsed_s, timed_out);
  bool ok = o.idle ? total.idle_alive == o.idle : good_units(o, total) == total_units(o, load);
  if (timed_out) std::_Exit(ok ? 0 : 1);  // suspended sessions are abandoned, not unwound
  return ok ? 0 : 1;
}
