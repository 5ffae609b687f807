// outbound route planning without I/O: the static route that applies to a domain, the MX
// hosts to try in order (RFC 5321 §5.1: preference order, equal preferences shuffled, implicit
// MX when there is none, null MX per RFC 7505), and the order of a host's addresses.
// Pure functions; the random generator is passed in so tests can fix it.
#pragma once
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "config/config.h"
#include "dns/resolver.h"
#include "outbound/deliverer.h"

namespace postern::outbound {

enum class TlsPolicy { None, Opportunistic, Required };
TlsPolicy tls_policy(const std::string& route_tls);  // "none" | "required" | else opportunistic

// The first route whose domain is `domain` or "*", or nullptr (then: MX lookup).
const config::Route* match_route(const std::vector<config::Route>& routes,
                                 const std::string& domain);

// A decision that ends the delivery of every recipient before any connection.
struct PlanFailure {
  Outcome outcome = Outcome::Transient;
  std::string reply;  // "556 5.1.10 Recipient address has null MX", ...
};

struct MxPlan {
  std::vector<std::string> hosts;     // in the order to try
  std::optional<PlanFailure> failure; // set: no hosts, fail every recipient with it
};

// MX hosts in preference order; records with equal preference shuffled with `rng`.
std::vector<std::string> order_mx(std::vector<dns::MxRecord> records, std::mt19937_64& rng);
MxPlan plan_from_mx(const dns::Answer<dns::MxRecord>& answer, const std::string& domain,
                    std::mt19937_64& rng);

// IPv6 and IPv4 addresses interleaved, IPv6 first (RFC 8305 §4 spirit, without racing).
std::vector<std::string> interleave_addresses(const std::vector<std::string>& v6,
                                              const std::vector<std::string>& v4);

}  // namespace postern::outbound
