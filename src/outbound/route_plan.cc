#include "outbound/route_plan.h"

#include <algorithm>

namespace postern::outbound {

TlsPolicy tls_policy(const std::string& route_tls) {
  if (route_tls == "none") return TlsPolicy::None;
  if (route_tls == "required") return TlsPolicy::Required;
  return TlsPolicy::Opportunistic;
}

const config::Route* match_route(const std::vector<config::Route>& routes,
                                 const std::string& domain) {
  for (const auto& route : routes)
    if (route.domain == "*" || route.domain == domain) return &route;
  return nullptr;
}

std::vector<std::string> order_mx(std::vector<dns::MxRecord> records, std::mt19937_64& rng) {
  std::shuffle(records.begin(), records.end(), rng);  // then a stable sort keeps ties random
  std::stable_sort(records.begin(), records.end(),
                   [](const auto& a, const auto& b) { return a.preference < b.preference; });
  std::vector<std::string> hosts;
  for (auto& r : records)
    if (!r.host.empty() && std::find(hosts.begin(), hosts.end(), r.host) == hosts.end())
      hosts.push_back(std::move(r.host));
  return hosts;
}

MxPlan plan_from_mx(const dns::Answer<dns::MxRecord>& answer, const std::string& domain,
                    std::mt19937_64& rng) {
  MxPlan plan;
  switch (answer.rcode) {
    case dns::Rcode::NxDomain:
      plan.failure = PlanFailure{Outcome::Permanent,
                                 "550 5.1.2 Domain " + domain + " does not exist (NXDOMAIN)"};
      return plan;
    case dns::Rcode::ServFail:
      plan.failure = PlanFailure{Outcome::Transient,
                                 "451 4.4.3 DNS lookup of MX for " + domain + " failed (SERVFAIL)"};
      return plan;
    case dns::Rcode::Timeout:
      plan.failure = PlanFailure{Outcome::Transient,
                                 "451 4.4.3 DNS lookup of MX for " + domain + " timed out"};
      return plan;
    case dns::Rcode::NoError: break;
  }
  // RFC 7505 §3: a single MX with the root as exchange says "no mail here".
  bool null_mx = !answer.records.empty() &&
                 std::all_of(answer.records.begin(), answer.records.end(),
                             [](const auto& r) { return r.host.empty(); });
  if (null_mx) {
    plan.failure = PlanFailure{Outcome::Permanent, "556 5.1.10 Recipient address has null MX"};
    return plan;
  }
  // RFC 5321 §5.1: no MX at all (NODATA) -> the domain itself is the implicit MX.
  if (answer.records.empty()) plan.hosts.push_back(domain);
  else plan.hosts = order_mx(answer.records, rng);
  return plan;
}

std::vector<std::string> interleave_addresses(const std::vector<std::string>& v6,
                                              const std::vector<std::string>& v4) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < std::max(v6.size(), v4.size()); ++i) {
    if (i < v6.size()) out.push_back(v6[i]);
    if (i < v4.size()) out.push_back(v4[i]);
  }
  return out;
}

}  // namespace postern::outbound
