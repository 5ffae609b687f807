// DKIM "relaxed" canonicalisation (RFC 6376 §3.4.2 header, §3.4.4 body) and the SHA-256 body
// hash over the whole canonical body (no l= tag). Pure functions, thread-safe.
#pragma once
#include <string>
#include <string_view>

namespace postern::dkim {

// "name:value\r\n": name lower-cased, value unfolded, WSP runs made one SP, WSP trimmed
// at both ends (and before the colon).
std::string relaxed_header(std::string_view name, std::string_view value);

// The relaxed body: WSP runs made one SP, WSP at line ends removed, empty lines at the end
// removed, a final CRLF added to a non-empty body. A bare LF counts as a line end (written
// as CRLF). An empty body stays empty (RFC 6376 errata 3951).
std::string relaxed_body(std::string_view body);

// SHA-256 of relaxed_body(body), computed in one streaming pass (raw 32 bytes).
std::string relaxed_body_sha256(std::string_view body);

}  // namespace postern::dkim
