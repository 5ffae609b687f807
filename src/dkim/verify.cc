#include "dkim/verify.h"

#include <set>
#include <sstream>

namespace postern::dkim {
namespace {

using storage::CheckStatus;

constexpr int kMaxSpfLookups = 10;  // RFC 7208 §4.6.4

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string strip_dot(std::string s) {
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

bool starts_with_tag(const std::string& record, const std::string& tag) {
  const std::string l = lower(record.substr(0, tag.size() + 1));
  return l.rfind(tag, 0) == 0 && (l.size() == tag.size() || l[tag.size()] == ' ' ||
                                  l[tag.size()] == ';' || l[tag.size()] == '\t');
}

const char* rcode_text(dns::Rcode r) {
  switch (r) {
    case dns::Rcode::NxDomain: return "NXDOMAIN";
    case dns::Rcode::ServFail: return "SERVFAIL";
    case dns::Rcode::Timeout: return "timeout";
    default: return "NOERROR";
  }
}

// The TXT records at name; on a lookup failure, fills detail.
std::vector<std::string> txt_records(dns::Resolver& r, const std::string& name,
                                     std::string& detail) {
  auto answer = r.txt(name);
  if (answer.rcode == dns::Rcode::ServFail || answer.rcode == dns::Rcode::Timeout)
    detail = std::string("DNS lookup of ") + name + " failed (" + rcode_text(answer.rcode) + ")";
  return answer.records;
}

std::vector<std::string> spf_records(const std::vector<std::string>& txt) {
  std::vector<std::string> out;
  for (const auto& t : txt)
    if (starts_with_tag(t, "v=spf1")) out.push_back(t);
  return out;
}

// Depth-first search of include:/redirect= terms for the relay's host.
class SpfSearch {
 public:
  SpfSearch(dns::Resolver& r, std::string target) : r_(r), target_(std::move(target)) {}
  bool found_in(const std::string& record) {
    std::istringstream terms(record);
    std::string term;
    terms >> term;  // v=spf1
    while (terms >> term) {
      std::string t = lower(term);
      if (!t.empty() && (t[0] == '+' || t[0] == '-' || t[0] == '~' || t[0] == '?'))
        t.erase(0, 1);
      std::string host;
      if (t.rfind("include:", 0) == 0) host = strip_dot(t.substr(8));
      else if (t.rfind("redirect=", 0) == 0) host = strip_dot(t.substr(9));
      else if (t == "a" || t == "mx" || t == "ptr" || t.rfind("a:", 0) == 0 ||
               t.rfind("a/", 0) == 0 || t.rfind("mx:", 0) == 0 || t.rfind("mx/", 0) == 0 ||
               t.rfind("ptr:", 0) == 0 || t.rfind("exists:", 0) == 0) {
        if (++lookups_ > kMaxSpfLookups) return false;
        continue;
      } else {
        continue;
      }
      if (++lookups_ > kMaxSpfLookups) return false;
      if (host == target_) return true;
      if (host.find('%') != std::string::npos || !visited_.insert(host).second) continue;
      std::string ignored;
      auto nested = spf_records(txt_records(r_, host, ignored));
      if (nested.size() == 1 && found_in(nested.front())) return true;
    }
    return false;
  }
  bool over_limit() const { return lookups_ > kMaxSpfLookups; }

 private:
  dns::Resolver& r_;
  std::string target_;
  int lookups_ = 0;
  std::set<std::string> visited_;
};

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " | ") + s;
  return out;
}

CheckResult check_spf(const std::string& domain, dns::Resolver& r, const std::string& include) {
  CheckResult c{CheckStatus::Missing, domain, "v=spf1 ... include:" + include + " ...", "", ""};
  auto records = spf_records(txt_records(r, domain, c.detail));
  if (records.empty()) {
    if (c.detail.empty()) c.detail = "no v=spf1 TXT record at " + domain;
    return c;
  }
  if (records.size() > 1) {
    c.status = CheckStatus::Mismatch;
    c.found = join(records);
    c.detail = "more than one v=spf1 record: receivers fail SPF (RFC 7208 §4.5, permerror)";
    return c;
  }
  CheckResult inner = check_spf_record(records.front(), include, r);
  inner.name = c.name;
  inner.expected = c.expected;
  return inner;
}

// Tags of a DKIM key record (RFC 6376 §3.6.1); whitespace inside p= removed.
std::string tag_value(const std::string& record, const std::string& tag) {
  std::istringstream in(record);
  std::string part;
  while (std::getline(in, part, ';')) {
    auto eq = part.find('=');
    if (eq == std::string::npos) continue;
    std::string name;
    for (char c : part.substr(0, eq))
      if (c != ' ' && c != '\t') name.push_back(c);
    if (lower(name) != tag) continue;
    std::string value;
    for (char c : part.substr(eq + 1))
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') value.push_back(c);
    return value;
  }
  return "";
}

CheckResult check_dkim(const std::string& domain, const storage::DkimSelector& sel,
                       dns::Resolver& r) {
  const std::string name = sel.selector + "._domainkey." + domain;
  CheckResult c{CheckStatus::Missing, name, "p=" + sel.public_key, "", ""};
  auto records = txt_records(r, name, c.detail);
  for (const auto& rec : records) {
    if (rec.find("p=") == std::string::npos) continue;
    c.found = rec;
    std::string k = lower(tag_value(rec, "k"));
    if (k.empty()) k = "rsa";  // the default (§3.6.1)
    if (tag_value(rec, "p") == sel.public_key && k == storage::to_string(sel.algorithm)) {
      c.status = CheckStatus::Ok;
      c.detail = "key matches";
      return c;
    }
  }
  if (!c.found.empty()) {
    c.status = CheckStatus::Mismatch;
    c.detail = "the published key (p=/k=) differs from this selector's key";
  } else if (c.detail.empty()) {
    c.detail = "no DKIM key record at " + name;
  }
  return c;
}

CheckResult check_dmarc(const std::string& domain, dns::Resolver& r) {
  const std::string name = "_dmarc." + domain;
  CheckResult c{CheckStatus::Missing, name, "v=DMARC1; p=...", "", ""};
  for (const auto& rec : txt_records(r, name, c.detail)) {
    if (!starts_with_tag(rec, "v=dmarc1")) continue;
    c.status = CheckStatus::Ok;
    c.found = rec;
    c.detail = "DMARC record present";
    return c;
  }
  if (c.detail.empty()) c.detail = "no v=DMARC1 TXT record at " + name;
  return c;
}

}  // namespace

CheckResult check_spf_record(const std::string& record, const std::string& include_host,
                             dns::Resolver& resolver) {
  CheckResult c{CheckStatus::Mismatch, "", "include:" + include_host, record, ""};
  SpfSearch search(resolver, lower(strip_dot(include_host)));
  if (search.found_in(record)) {
    c.status = CheckStatus::Ok;
    c.detail = "authorises " + include_host;
  } else if (search.over_limit()) {
    c.detail = "more than 10 DNS lookups before reaching include:" + include_host +
               " (RFC 7208 §4.6.4: receivers return permerror)";
  } else {
    c.detail = "does not include " + include_host + " (directly or through its includes)";
  }
  return c;
}

CheckStatus DomainReport::dkim_status() const {
  if (dkim.empty()) return CheckStatus::Missing;
  bool all_ok = true;
  for (const auto& s : dkim) {
    if (s.result.status == CheckStatus::Mismatch) return CheckStatus::Mismatch;
    all_ok = all_ok && s.result.status == CheckStatus::Ok;
  }
  return all_ok ? CheckStatus::Ok : CheckStatus::Missing;
}

storage::DomainVerification DomainReport::verification(Millis checked_at) const {
  return {spf.status, dkim_status(), dmarc.status, checked_at};
}

DomainReport verify_domain(const storage::Domain& domain, dns::Resolver& resolver,
                           const std::string& spf_include) {
  DomainReport report;
  report.domain = domain.name;
  report.spf = check_spf(domain.name, resolver, spf_include);
  for (const auto& sel : domain.selectors)
    report.dkim.push_back({sel.selector, check_dkim(domain.name, sel, resolver)});
  report.dmarc = check_dmarc(domain.name, resolver);
  return report;
}

}  // namespace postern::dkim
