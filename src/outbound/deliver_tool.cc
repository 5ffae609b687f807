// postern-deliver-test: runs deliveries through the real SmtpDeliverer from the command line,
// for the integration tests. Prints one JSON line per delivery:
//   {"mx": "...", "elapsed_ms": N, "recipients": [{"recipient","outcome","reply"}]}
// Usage: postern-deliver-test --config FILE --from ADDR --to ADDR... --message FILE
//        [--repeat N] [--smtputf8] [--8bitmime]
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "config/config.h"
#include "dns/resolver.h"
#include "outbound/deliverer.h"

namespace asio = boost::asio;
using namespace postern;

static const char* name(outbound::Outcome o) {
  switch (o) {
    case outbound::Outcome::Delivered: return "delivered";
    case outbound::Outcome::Transient: return "transient";
    case outbound::Outcome::Permanent: return "permanent";
  }
  return "?";
}

int main(int argc, char** argv) {
  std::string config_path, message_path;
  outbound::DeliveryRequest request;
  int repeat = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--config") config_path = value();
    else if (a == "--from") request.mail_from = value();
    else if (a == "--to") request.recipients.push_back(value());
    else if (a == "--message") message_path = value();
    else if (a == "--repeat") repeat = std::stoi(value());
    else if (a == "--smtputf8") request.smtputf8 = true;
    else if (a == "--8bitmime") request.body_8bitmime = true;
    else { std::cerr << "unknown argument " << a << "\n"; return 2; }
  }
  auto config = config::load_config(config_path);
  if (!config) { std::cerr << config.error().message << "\n"; return 2; }
  if (request.recipients.empty()) { std::cerr << "--to is required\n"; return 2; }
  std::ifstream in(message_path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  request.message = std::make_shared<const std::string>(ss.str());
  auto& first = request.recipients.front();
  request.domain = first.substr(first.rfind('@') + 1);
  auto resolver = dns::make_resolver(config->resolver, std::chrono::seconds(config->dns_timeout_s));
  if (!resolver) { std::cerr << resolver.error().message << "\n"; return 2; }

  asio::io_context io;
  asio::thread_pool blocking(2);
  auto deliverer = outbound::make_smtp_deliverer(*config, **resolver, blocking);
  auto done = asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    for (int n = 0; n < repeat; ++n) {
      auto start = std::chrono::steady_clock::now();
      request.queue_id = "test" + std::to_string(n);
      auto result = co_await deliverer->deliver(request);
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - start).count();
      nlohmann::json j{{"mx", result.mx}, {"elapsed_ms", ms}, {"recipients", nlohmann::json::array()}};
      for (auto& r : result.recipients)
        j["recipients"].push_back({{"recipient", r.recipient}, {"outcome", name(r.outcome)},
                                   {"reply", r.reply}});
      std::cout << j.dump() << std::endl;
    }
  }, asio::use_future);
  io.run();
  done.get();
  deliverer.reset();
  blocking.join();
  return 0;
}
