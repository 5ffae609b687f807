// IP allow lists of SMTP users: IPv4/IPv6 addresses and CIDR networks (at most 50 entries).
// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are normalised to IPv4 on both sides.
// Immutable after parse; thread-safe to share.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace postern::policy {

inline constexpr std::size_t kMaxAllowListEntries = 50;

struct IpAddress {
  bool v4 = true;
  std::array<std::uint8_t, 16> bytes{};  // v4: first 4 bytes used
  std::string str() const;               // canonical text (inet_ntop)
};

struct IpNetwork {
  IpAddress base;  // host bits zeroed
  int prefix = 32;
  std::string str() const;  // "192.0.2.0/24", "2001:db8::/32", single hosts as "192.0.2.7/32"
  bool contains(const IpAddress& ip) const;
};

std::optional<IpAddress> parse_ip(std::string_view text);
// "192.0.2.7", "192.0.2.0/24", "2001:db8::/32", "::ffff:192.0.2.7". Host bits set under the
// prefix are an error (so "192.0.2.7/24" is refused with a message naming 192.0.2.0/24).
Result<IpNetwork> parse_network(std::string_view text);

class IpAllowList {
 public:
  static Result<IpAllowList> parse(const std::vector<std::string>& entries);
  bool empty() const { return networks_.empty(); }
  bool allows(const IpAddress& ip) const;  // empty list allows every source
  // The listed entry closest to ip (longest common prefix, same family), for log hints.
  std::optional<std::string> nearest(const IpAddress& ip) const;
  std::vector<std::string> canonical() const;
  const std::vector<IpNetwork>& networks() const { return networks_; }

 private:
  std::vector<IpNetwork> networks_;
};

}  // namespace postern::policy
