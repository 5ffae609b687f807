#include "policy/ip_allow_list.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace postern::policy {
namespace {

constexpr std::array<std::uint8_t, 12> kMappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

int family_bits(const IpAddress& ip) { return ip.v4 ? 32 : 128; }

bool bit(const IpAddress& ip, int i) { return (ip.bytes[i / 8] >> (7 - i % 8)) & 1; }

// Zeroes every bit at or after `prefix` (for IPv4 also the unused bytes 4..15).
IpAddress masked(IpAddress ip, int prefix) {
  for (int i = prefix; i < 128; ++i)
    ip.bytes[i / 8] = static_cast<std::uint8_t>(ip.bytes[i / 8] & ~(0x80 >> (i % 8)));
  return ip;
}

int common_prefix(const IpAddress& a, const IpAddress& b) {
  int n = 0;
  while (n < family_bits(a) && bit(a, n) == bit(b, n)) ++n;
  return n;
}

// The entry as it may be echoed in an error: printable ASCII, bounded.
std::string printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 64)) {
    auto u = static_cast<unsigned char>(c);
    out += (u > 0x20 && u < 0x7f && c != '"') ? c : '?';
  }
  return text.size() > 64 ? out + "..." : out;
}

Error bad_entry(std::string_view text, const std::string& why) {
  return Error{"invalid IP allow-list entry \"" + printable(text) + "\": " + why};
}

}  // namespace

std::string IpAddress::str() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v4 ? AF_INET : AF_INET6, bytes.data(), buf, sizeof buf);
  return buf;
}

std::string IpNetwork::str() const { return base.str() + "/" + std::to_string(prefix); }

bool IpNetwork::contains(const IpAddress& ip) const {
  return ip.v4 == base.v4 && masked(ip, prefix).bytes == base.bytes;
}

std::optional<IpAddress> parse_ip(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  if (text.find('\0') != std::string_view::npos) return std::nullopt;  // would truncate
  const std::string z(text);  // inet_pton needs a NUL-terminated string
  IpAddress ip;
  if (inet_pton(AF_INET, z.c_str(), ip.bytes.data()) == 1) return ip;
  if (inet_pton(AF_INET6, z.c_str(), ip.bytes.data()) != 1) return std::nullopt;
  ip.v4 = false;
  if (std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), ip.bytes.begin())) {
    IpAddress v4;  // ::ffff:a.b.c.d is the IPv4 host a.b.c.d
    std::copy_n(ip.bytes.begin() + 12, 4, v4.bytes.begin());
    return v4;
  }
  return ip;
}

Result<IpNetwork> parse_network(std::string_view text) {
  const auto slash = text.find('/');
  const std::string_view addr_text = text.substr(0, slash);
  auto addr = parse_ip(addr_text);
  if (!addr) return bad_entry(text, "not an IPv4 or IPv6 address");
  // A mapped address was written in IPv6 notation: its prefix counts 96 bits more.
  const bool mapped = addr->v4 && addr_text.find(':') != std::string_view::npos;
  const int written_bits = mapped ? 128 : family_bits(*addr);

  int prefix = written_bits;
  if (slash != std::string_view::npos) {
    std::string_view p = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
    if (p.empty() || p.size() > 3 || ec != std::errc() || end != p.data() + p.size() ||
        prefix < 0 || prefix > written_bits)
      return bad_entry(text, "prefix length must be 0.." + std::to_string(written_bits));
  }
  if (mapped) {
    if (prefix < 96) return bad_entry(text, "an IPv4-mapped network needs a prefix of 96..128");
    prefix -= 96;
  }
  IpNetwork net{masked(*addr, prefix), prefix};
  if (net.base.bytes != addr->bytes)
    return bad_entry(text, "host bits are set under the prefix; the network is " + net.str());
  return net;
}

Result<IpAllowList> IpAllowList::parse(const std::vector<std::string>& entries) {
  IpAllowList list;
  for (const auto& entry : entries) {
    auto net = parse_network(entry);
    if (!net) return net.error();
    bool duplicate = std::any_of(list.networks_.begin(), list.networks_.end(), [&](const auto& n) {
      return n.prefix == net->prefix && n.base.v4 == net->base.v4 && n.base.bytes == net->base.bytes;
    });
    if (!duplicate) list.networks_.push_back(*net);
  }
  if (list.networks_.size() > kMaxAllowListEntries)
    return Error{"too many IP allow-list entries (" + std::to_string(list.networks_.size()) +
                 "); at most " + std::to_string(kMaxAllowListEntries)};
  return list;
}

bool IpAllowList::allows(const IpAddress& ip) const {
  if (networks_.empty()) return true;
  return std::any_of(networks_.begin(), networks_.end(),
                     [&](const IpNetwork& n) { return n.contains(ip); });
}

std::optional<std::string> IpAllowList::nearest(const IpAddress& ip) const {
  const IpNetwork* best = nullptr;
  int best_bits = -1;
  for (const auto& n : networks_) {
    if (n.base.v4 != ip.v4) continue;
    int bits = std::min(common_prefix(n.base, ip), n.prefix);
    if (bits > best_bits) {
      best = &n;
      best_bits = bits;
    }
  }
  if (!best) return std::nullopt;
  return best->str();
}

std::vector<std::string> IpAllowList::canonical() const {
  std::vector<std::string> out;
  for (const auto& n : networks_) out.push_back(n.str());
  return out;
}

}  // namespace postern::policy
