// proxy: the PROXY protocol header a load balancer sends before the client's bytes
// (HAProxy's proxy-protocol.txt, versions 1 and 2), so that the relay sees the real client
// address (F20). Pure parsers over bytes; the session reads exactly the header's bytes from
// the socket (see inbound/proxy_reader) and hands them here. Fuzzed (fuzz/proxy_header_fuzz).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace postern::proxy {

struct Header {
  // false: the proxy speaks for itself (v1 UNKNOWN, v2 LOCAL or an unspecified family, e.g. a
  // health check): keep the connection's own addresses.
  bool has_addresses = false;
  std::string source_ip;  // canonical text
  std::uint16_t source_port = 0;
  std::string destination_ip;
  std::uint16_t destination_port = 0;
};

inline constexpr std::size_t kV1MaxLength = 107;  // including CRLF
inline constexpr std::size_t kV2FixedLength = 16;
inline constexpr std::string_view kV2Signature{"\r\n\r\n\0\r\nQUIT\n", 12};

enum class Version { V1, V2, Neither };
// From the first 8 bytes (fewer: Neither unless they are a prefix of a signature... callers
// always pass 8).
Version detect(std::string_view first8);

// A whole v1 line including the trailing CRLF: "PROXY TCP4 1.2.3.4 5.6.7.8 1111 25\r\n".
Result<Header> parse_v1(std::string_view line);

// v2: the length of the address block announced by the 16-byte fixed part, or an Error when
// the fixed part is not a valid v2 header (signature, version 2, command LOCAL/PROXY).
Result<std::size_t> v2_payload_length(std::string_view fixed16);
// The fixed part followed by exactly v2_payload_length() bytes. TLVs are skipped.
Result<Header> parse_v2(std::string_view header);

}  // namespace postern::proxy
