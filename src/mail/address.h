// mail::Address and the RFC 5321 §4.1.2 grammar of MAIL FROM / RCPT TO arguments: the Path in
// angle brackets (source routes accepted and discarded, §4.1.1.3), the Mailbox, and the ESMTP
// parameters after it; UTF-8 only when the client sent SMTPUTF8 (RFC 6531 §3.3).
// Pure functions and value types: no I/O, no locale, thread-safe.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace postern::mail {

inline constexpr std::size_t kMaxLocalPart = 64;  // RFC 5321 §4.5.3.1.1
inline constexpr std::size_t kMaxDomain = 255;    // §4.5.3.1.2
inline constexpr std::size_t kMaxPath = 256;      // §4.5.3.1.3, brackets and route included
inline constexpr std::size_t kMaxLabel = 63;      // RFC 1035 §2.3.4

struct Address {
  std::string local;   // wire form: a Quoted-string keeps its quotes and backslashes
  std::string domain;  // as sent (case kept); an address literal keeps its brackets
  bool is_null() const { return local.empty() && domain.empty(); }
  // "local@domain"; "" for the null reverse-path <>.
  std::string str() const;
  bool operator==(const Address&) const = default;
};

struct PathOptions {
  bool allow_null = false;  // "<>" is a valid reverse-path (MAIL FROM), never a forward-path
  bool allow_utf8 = false;  // SMTPUTF8 given: UTF-8 in local part and domain (validated)
};

// "<local@domain>", "<@a,@b:local@domain>", "<>" (if allowed). Nothing before '<' or after '>'.
Result<Address> parse_path(std::string_view path, PathOptions options = {});
// "local@domain" without brackets.
Result<Address> parse_mailbox(std::string_view mailbox, bool allow_utf8 = false);

// The argument of "MAIL FROM:" / "RCPT TO:" split into the "<...>" path and the parameter
// text after the SP that follows it. A '>' inside a quoted local part does not end the path.
// nullopt when there is no well-formed bracketed path or no SP before the parameters.
struct PathAndParams {
  std::string_view path;    // with its brackets
  std::string_view params;  // "" when there are none
};
std::optional<PathAndParams> split_path_and_params(std::string_view argument);

// esmtp-param = esmtp-keyword ["=" esmtp-value] (§4.1.2); keyword upper-cased.
struct EsmtpParam {
  std::string keyword;
  std::optional<std::string> value;
  bool operator==(const EsmtpParam&) const = default;
};
// Space-separated params (runs of SP tolerated). Error on an empty keyword, a character outside
// the grammar, "KEY=" with an empty value, or non-UTF-8 bytes in a value.
Result<std::vector<EsmtpParam>> parse_esmtp_params(std::string_view text);

// ASCII lower-case of a domain for comparisons (DNS is case-insensitive in ASCII only);
// non-ASCII (U-label) bytes are left untouched.
std::string lower_domain(std::string_view domain);
// Well-formed UTF-8 (RFC 3629): no overlongs, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view text);

}  // namespace postern::mail
