#include "policy/spf_authorization.h"

#include <sstream>
#include <vector>

namespace postern::policy {
namespace {

std::string normalize_host(std::string h) {
  for (char& c : h)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  while (!h.empty() && h.back() == '.') h.pop_back();
  return h;
}

std::vector<std::string> split_terms(const std::string& record) {
  std::vector<std::string> terms;
  std::istringstream in(record);
  for (std::string t; in >> t;) terms.push_back(t);
  return terms;
}

bool is_spf_record(const std::string& txt) {
  std::string head = normalize_host(txt.substr(0, 7));
  return head == "v=spf1" || head == "v=spf1 ";
}

enum class Walk { Found, NotFound, TempError };

// One evaluation: the lookup budget and the explanation are shared by the whole tree.
class Walker {
 public:
  Walker(dns::Resolver& resolver, const std::string& target) : resolver_(resolver), target_(target) {}

  Walk walk(const std::string& domain) {
    auto answer = resolver_.txt(domain);
    if (answer.rcode == dns::Rcode::ServFail || answer.rcode == dns::Rcode::Timeout) {
      detail = "DNS lookup of the SPF record of " + domain + " failed";
      return Walk::TempError;
    }
    std::vector<std::string> records;
    for (const auto& txt : answer.records)
      if (is_spf_record(txt)) records.push_back(txt);
    if (records.empty()) return fail("no SPF record at " + domain);
    if (records.size() > 1) return fail("more than one SPF record at " + domain);
    return evaluate(domain, records.front());
  }

  std::string detail;

 private:
  Walk fail(std::string why) {
    if (detail.empty()) detail = std::move(why);
    return Walk::NotFound;
  }
  bool spend_lookup() { return ++lookups_ <= kSpfMaxLookups; }

  Walk evaluate(const std::string& domain, const std::string& record) {
    std::string redirect;
    std::vector<std::string> terms = split_terms(record);
    for (std::size_t i = 1; i < terms.size(); ++i) {
      std::string term = terms[i];
      std::size_t eq = term.find('='), colon = term.find(':');
      if (eq != std::string::npos && (colon == std::string::npos || eq < colon)) {
        if (normalize_host(term.substr(0, eq)) == "redirect") redirect = term.substr(eq + 1);
        continue;  // exp= and unknown modifiers: ignored (§6)
      }
      char qualifier = '+';
      if (std::string_view("+-?~").find(term[0]) != std::string_view::npos) {
        qualifier = term[0];
        term.erase(0, 1);
      }
      std::size_t end = term.find_first_of(":/");
      std::string mechanism = normalize_host(term.substr(0, end));
      if (mechanism == "all") return fail("the SPF record of " + domain + " ends (\"all\") before including " + target_);
      if (mechanism == "include") {
        if (!spend_lookup()) return fail("more than 10 DNS lookups in the SPF record of " + domain);
        std::string host = colon == std::string::npos ? "" : normalize_host(term.substr(colon + 1));
        if (host == target_) {
          if (qualifier == '+') return Walk::Found;
          return fail("the SPF record of " + domain + " includes " + target_ + " with qualifier '" + qualifier + "'");
        }
        if (qualifier != '+' || host.empty() || host.find('%') != std::string::npos) continue;
        Walk inner = walk(host);
        if (inner != Walk::NotFound) return inner;
      } else if (mechanism == "a" || mechanism == "mx" || mechanism == "ptr" ||
                 mechanism == "exists") {
        if (!spend_lookup()) return fail("more than 10 DNS lookups in the SPF record of " + domain);
      }
    }
    if (redirect.empty()) return fail("the SPF record of " + domain + " does not include " + target_);
    if (!spend_lookup()) return fail("more than 10 DNS lookups in the SPF record of " + domain);
    redirect = normalize_host(redirect);
    if (redirect == target_) return Walk::Found;
    return walk(redirect);
  }

  dns::Resolver& resolver_;
  const std::string& target_;
  int lookups_ = 0;
};

}  // namespace

SpfAuthorization::SpfAuthorization(dns::Resolver& resolver, std::string include_host)
    : resolver_(resolver), include_host_(normalize_host(std::move(include_host))) {}

SpfResult SpfAuthorization::check(const std::string& domain) const {
  if (include_host_.empty()) return {SpfVerdict::NotAuthorised, "no spf_include configured"};
  Walker walker(resolver_, include_host_);
  switch (walker.walk(normalize_host(domain))) {
    case Walk::Found:
      return {SpfVerdict::Authorised, "SPF of " + domain + " includes " + include_host_};
    case Walk::TempError:
      return {SpfVerdict::TempError, walker.detail};
    case Walk::NotFound:
      break;
  }
  // A failed nested include leaves its own reason first; say what was looked for.
  return {SpfVerdict::NotAuthorised, walker.detail};
}

}  // namespace postern::policy
