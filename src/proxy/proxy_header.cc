#include "proxy/proxy_header.h"

#include <arpa/inet.h>

#include <charconv>
#include <vector>

namespace postern::proxy {

namespace {

Error bad(const std::string& why) { return Error{"invalid PROXY header: " + why}; }

std::vector<std::string_view> split_spaces(std::string_view s) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find(' ', start);
    if (end == std::string_view::npos) end = s.size();
    parts.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// Canonical text of an address of the given family; nullopt-like "" when not one.
std::string canonical_ip(std::string_view text, int family) {
  if (text.empty() || text.size() > 45) return "";
  std::string z(text);
  unsigned char buf[16];
  if (inet_pton(family, z.c_str(), buf) != 1) return "";
  char out[INET6_ADDRSTRLEN];
  if (!inet_ntop(family, buf, out, sizeof out)) return "";
  return out;
}

bool parse_port(std::string_view text, std::uint16_t& port) {
  // RFC-style decimal without leading zeros (the spec forbids them) and <= 65535.
  if (text.empty() || text.size() > 5 || (text.size() > 1 && text[0] == '0')) return false;
  unsigned value = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || p != text.data() + text.size() || value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

std::string ip_from_bytes(const unsigned char* bytes, int family) {
  char out[INET6_ADDRSTRLEN];
  if (!inet_ntop(family, bytes, out, sizeof out)) return "";
  return out;
}

}  // namespace

Version detect(std::string_view first8) {
  if (first8.size() >= 8 && first8.substr(0, 8) == kV2Signature.substr(0, 8)) return Version::V2;
  if (first8.size() >= 6 && first8.substr(0, 6) == "PROXY ") return Version::V1;
  return Version::Neither;
}

Result<Header> parse_v1(std::string_view line) {
  if (line.size() > kV1MaxLength) return bad("v1 line longer than 107 bytes");
  if (line.size() < 2 || line.substr(line.size() - 2) != "\r\n") return bad("v1 line without CRLF");
  line.remove_suffix(2);
  auto parts = split_spaces(line);
  if (parts.size() < 2 || parts[0] != "PROXY") return bad("v1 line does not start with PROXY");
  Header h;
  if (parts[1] == "UNKNOWN") return h;  // the rest of the line is ignored (spec 2.1)
  int family = parts[1] == "TCP4" ? AF_INET : parts[1] == "TCP6" ? AF_INET6 : 0;
  if (!family) return bad("v1 protocol must be TCP4, TCP6 or UNKNOWN");
  if (parts.size() != 6) return bad("v1 line needs 6 fields");
  h.source_ip = canonical_ip(parts[2], family);
  h.destination_ip = canonical_ip(parts[3], family);
  if (h.source_ip.empty() || h.destination_ip.empty()) return bad("v1 address does not match its family");
  if (!parse_port(parts[4], h.source_port) || !parse_port(parts[5], h.destination_port))
    return bad("v1 port is not a number 0-65535");
  h.has_addresses = true;
  return h;
}

Result<std::size_t> v2_payload_length(std::string_view fixed) {
  if (fixed.size() < kV2FixedLength) return bad("v2 header shorter than 16 bytes");
  if (fixed.substr(0, 12) != kV2Signature) return bad("v2 signature mismatch");
  auto ver_cmd = static_cast<unsigned char>(fixed[12]);
  if ((ver_cmd >> 4) != 2) return bad("v2 version is not 2");
  if ((ver_cmd & 0x0f) > 1) return bad("v2 command is neither LOCAL nor PROXY");
  return (static_cast<std::size_t>(static_cast<unsigned char>(fixed[14])) << 8) |
         static_cast<unsigned char>(fixed[15]);
}

Result<Header> parse_v2(std::string_view header) {
  auto length = v2_payload_length(header);
  if (!length) return length.error();
  if (header.size() != kV2FixedLength + *length) return bad("v2 length does not match");
  const auto* p = reinterpret_cast<const unsigned char*>(header.data()) + kV2FixedLength;
  Header h;
  bool local = (static_cast<unsigned char>(header[12]) & 0x0f) == 0;
  unsigned family = static_cast<unsigned char>(header[13]) >> 4;
  unsigned transport = static_cast<unsigned char>(header[13]) & 0x0f;
  if (local || family == 0 || transport == 0) return h;  // LOCAL / UNSPEC: no addresses
  auto port = [](const unsigned char* b) { return static_cast<std::uint16_t>((b[0] << 8) | b[1]); };
  if (family == 1) {  // AF_INET: 4 + 4 + 2 + 2
    if (*length < 12) return bad("v2 IPv4 address block shorter than 12 bytes");
    h.source_ip = ip_from_bytes(p, AF_INET);
    h.destination_ip = ip_from_bytes(p + 4, AF_INET);
    h.source_port = port(p + 8);
    h.destination_port = port(p + 10);
  } else if (family == 2) {  // AF_INET6: 16 + 16 + 2 + 2
    if (*length < 36) return bad("v2 IPv6 address block shorter than 36 bytes");
    h.source_ip = ip_from_bytes(p, AF_INET6);
    h.destination_ip = ip_from_bytes(p + 16, AF_INET6);
    h.source_port = port(p + 32);
    h.destination_port = port(p + 34);
  } else {
    return h;  // AF_UNIX (3) or unknown: keep the connection's addresses (spec 2.2)
  }
  h.has_addresses = true;
  return h;
}

}  // namespace postern::proxy
