// postern-dkim-sign-test: drives the real KeyStore, SqliteStore and Signer for the interop test
// (test_interop.py). Test tool only; prints public keys, never private ones.
//   postern-dkim-sign-test setup DATA_DIR ACCOUNT DOMAIN   -> JSON {"records":[{name,value}]}
//   postern-dkim-sign-test sign DATA_DIR ACCOUNT < message  -> signature fields + message
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "dkim/dns_records.h"
#include "dkim/domains.h"
#include "dkim/signer.h"
#include "storage/store.h"

using namespace postern;

namespace {

std::unique_ptr<storage::Store> open(const std::string& data_dir) {
  auto store = storage::open_store("sqlite:" + data_dir + "/postern.db");
  if (!store) {
    std::cerr << store.error().message << "\n";
    std::exit(1);
  }
  return std::move(store).value();
}

int setup(const std::string& data_dir, const std::string& account, const std::string& name) {
  auto store = open(data_dir);
  if (!store->find_account(account) && !store->create_account(account)) return 1;
  auto domain = dkim::add_domain_with_keys(*store, dkim::KeyStore(data_dir), account, name,
                                           now_ms());
  if (!domain) {
    std::cerr << domain.error().message << "\n";
    return 1;
  }
  nlohmann::json records = nlohmann::json::array();
  for (const auto& r : dkim::records_to_publish(domain.value(), "_spf.relay.test"))
    records.push_back({{"kind", dkim::to_string(r.kind)}, {"name", r.name}, {"value", r.value}});
  std::cout << nlohmann::json{{"records", records}}.dump() << "\n";
  return 0;
}

int sign(const std::string& data_dir, const std::string& account) {
  std::string message((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  auto store = open(data_dir);
  auto signer = dkim::make_signer(*store, data_dir);
  std::cout << signer->sign(account, message) << message;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  const std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "setup" && argc == 5) return setup(argv[2], argv[3], argv[4]);
  if (cmd == "sign" && argc == 4) return sign(argv[2], argv[3]);
  std::cerr << "usage: postern-dkim-sign-test setup DATA_DIR ACCOUNT DOMAIN | sign DATA_DIR ACCOUNT\n";
  return 2;
}
