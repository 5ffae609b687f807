// dns::rdata: decoding of the RDATA of the record types Postern asks for (RFC 1035 §3.3),
// from the uncompressed wire form libunbound hands out. Pure functions over untrusted bytes:
// malformed input yields nullopt, never a read past the end. No I/O, thread-safe.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dns/resolver.h"

namespace postern::dns {

// <preference><exchange>: the name lower-cased, trailing dot stripped; "." (null MX) -> "".
std::optional<MxRecord> parse_mx_rdata(std::string_view rdata);
// A sequence of <length><bytes> character-strings, concatenated (RFC 7208 §3.3).
std::optional<std::string> parse_txt_rdata(std::string_view rdata);
std::optional<std::string> parse_a_rdata(std::string_view rdata);     // 4 bytes -> "1.2.3.4"
std::optional<std::string> parse_aaaa_rdata(std::string_view rdata);  // 16 bytes -> "::1"
// An uncompressed wire-format name at data[pos...]; advances pos. Lower-case, no final dot.
std::optional<std::string> parse_wire_name(std::string_view data, std::size_t& pos);

}  // namespace postern::dns
