// Test-only dns::Resolver answering TXT questions from a map (name -> records); any other
// name is NXDOMAIN. Not thread-safe.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "dns/resolver.h"

namespace postern::dkim::testing {

class FakeResolver final : public dns::Resolver {
 public:
  std::map<std::string, std::vector<std::string>> txt_records;
  std::map<std::string, dns::Rcode> failures;
  int txt_queries = 0;

  dns::Answer<dns::MxRecord> mx(const std::string&) override { return {dns::Rcode::NxDomain, {}, false}; }
  dns::Answer<std::string> a(const std::string&) override { return {dns::Rcode::NxDomain, {}, false}; }
  dns::Answer<std::string> aaaa(const std::string&) override { return {dns::Rcode::NxDomain, {}, false}; }
  dns::Answer<std::string> txt(const std::string& name) override {
    ++txt_queries;
    if (auto f = failures.find(name); f != failures.end()) return {f->second, {}, false};
    auto it = txt_records.find(name);
    if (it == txt_records.end()) return {dns::Rcode::NxDomain, {}, false};
    return {dns::Rcode::NoError, it->second, false};
  }
};

}  // namespace postern::dkim::testing
