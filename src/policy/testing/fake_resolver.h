// FakeResolver: a dns::Resolver answering from a map, for hermetic policy tests (STYLE 10).
// Names not in the map answer NXDOMAIN; fail(name) makes a name answer SERVFAIL. Counts the
// questions asked. Test-only; thread-safe.
#pragma once
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "dns/resolver.h"

namespace postern::policy::testing {

class FakeResolver final : public dns::Resolver {
 public:
  void set_txt(const std::string& name, std::vector<std::string> records) {
    std::lock_guard lock(mu_);
    txt_[name] = std::move(records);
  }
  void fail(const std::string& name) {
    std::lock_guard lock(mu_);
    failing_.insert(name);
  }
  int txt_queries() const {
    std::lock_guard lock(mu_);
    return txt_queries_;
  }

  dns::Answer<dns::MxRecord> mx(const std::string&) override { return {dns::Rcode::NxDomain, {}, false}; }
  dns::Answer<std::string> a(const std::string&) override { return {dns::Rcode::NxDomain, {}, false}; }
  dns::Answer<std::string> aaaa(const std::string&) override { return {dns::Rcode::NxDomain, {}, false}; }
  dns::Answer<std::string> txt(const std::string& name) override {
    std::lock_guard lock(mu_);
    ++txt_queries_;
    if (failing_.count(name)) return {dns::Rcode::ServFail, {}, false};
    auto it = txt_.find(name);
    if (it == txt_.end()) return {dns::Rcode::NxDomain, {}, false};
    return {dns::Rcode::NoError, it->second, false};
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::vector<std::string>> txt_;
  std::set<std::string> failing_;
  int txt_queries_ = 0;
};

}  // namespace postern::policy::testing
