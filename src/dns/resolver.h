// dns::Resolver: the DNS questions Postern asks (MX, A/AAAA, TXT), answered by libunbound
// (UnboundResolver) from the system's resolvers or from the server named in
// `[delivery] resolver = "127.0.0.1:5353"` (tests use a local dnsmasq). Calls block: run them
// on the blocking pool, never on an event loop. Implementations are thread-safe.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"

namespace postern::dns {

enum class Rcode { NoError, NxDomain, ServFail, Timeout };

struct MxRecord {
  std::uint16_t preference = 0;
  std::string host;  // lower-case, no trailing dot; "" for a null MX "." (RFC 7505)
};

template <class T>
struct Answer {
  Rcode rcode = Rcode::NoError;  // NoError with empty records = NODATA
  std::vector<T> records;
  bool secure = false;  // DNSSEC-validated (only when a trust anchor is configured)
};

class Resolver {
 public:
  virtual ~Resolver() = default;
  virtual Answer<MxRecord> mx(const std::string& domain) = 0;
  virtual Answer<std::string> a(const std::string& host) = 0;     // textual IPv4
  virtual Answer<std::string> aaaa(const std::string& host) = 0;  // textual IPv6
  // Each TXT record's character-strings concatenated (RFC 7208 §3.3).
  virtual Answer<std::string> txt(const std::string& name) = 0;
};

// "system" (the host's /etc/resolv.conf) or "IP[:port]" / "[IPv6]:port" of a server to ask.
// Every question is answered within `timeout` (Rcode::Timeout past it); default 10 s.
Result<std::unique_ptr<Resolver>> make_resolver(const std::string& spec);
Result<std::unique_ptr<Resolver>> make_resolver(const std::string& spec,
                                                std::chrono::milliseconds timeout);
// The server of a spec "IP[:port]" / "[IPv6]:port" as libunbound's "IP@port"; Error otherwise.
Result<std::string> forwarder_address(const std::string& spec);

}  // namespace postern::dns
