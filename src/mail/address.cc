#include "mail/address.h"

#include <arpa/inet.h>

#include <cstring>

namespace postern::mail {
namespace {

bool is_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_let_dig(unsigned char c) { return is_alpha(c) || is_digit(c); }

// atext (RFC 5322 §3.2.3), as used by Dot-string (RFC 5321 §4.1.2).
bool is_atext(unsigned char c) {
  return is_let_dig(c) || (c != 0 && std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr);
}
// qtextSMTP = %d32-33 / %d35-91 / %d93-126
bool is_qtext(unsigned char c) { return c >= 32 && c <= 126 && c != '"' && c != '\\'; }

Error fail(const char* what) { return Error{what}; }

// Bytes >= 0x80 are allowed only under SMTPUTF8, and then only as well-formed UTF-8
// (RFC 6531 §3.3 extends atext, qtextSMTP and sub-domain with UTF8-non-ascii).
bool non_ascii_ok(std::string_view text, bool allow_utf8) {
  for (unsigned char c : text)
    if (c >= 0x80) return allow_utf8 && is_valid_utf8(text);
  return true;
}

std::optional<Error> check_dot_string(std::string_view local) {
  if (local.empty()) return fail("empty local part");
  bool after_dot = true;  // no leading dot
  for (unsigned char c : local) {
    if (c == '.') {
      if (after_dot) return fail("empty atom in local part");
      after_dot = true;
    } else if (is_atext(c) || c >= 0x80) {
      after_dot = false;
    } else {
      return fail("invalid character in local part");
    }
  }
  if (after_dot) return fail("local part ends with a dot");
  return std::nullopt;
}

// Returns the length of the Quoted-string at the start of text (quotes included), or 0.
std::size_t quoted_string_length(std::string_view text) {
  if (text.empty() || text[0] != '"') return 0;
  for (std::size_t i = 1; i < text.size(); ++i) {
    unsigned char c = text[i];
    if (c == '"') return i + 1;
    if (c == '\\') {  // quoted-pairSMTP = %d92 %d32-126
      if (i + 1 >= text.size()) return 0;
      unsigned char n = text[i + 1];
      if (n < 32 || n > 126) return 0;
      ++i;
    } else if (!is_qtext(c) && c < 0x80) {
      return 0;
    }
  }
  return 0;
}

bool is_ipv4_literal(std::string_view s) {
  int parts = 0;
  std::size_t i = 0;
  while (true) {
    std::size_t start = i;
    int value = 0;
    while (i < s.size() && is_digit(s[i]) && i - start < 3) value = value * 10 + (s[i++] - '0');
    if (i == start || value > 255) return false;
    ++parts;
    if (i == s.size()) return parts == 4;
    if (s[i] != '.' || parts == 4) return false;
    ++i;
  }
}

bool is_ipv6_literal(std::string_view s) {
  if (s.size() < 2 || s.size() > 45) return false;
  // inet_pton stops at a NUL: vet every byte first (found by address_fuzz).
  for (unsigned char c : s)
    if (!is_digit(c) && !std::strchr("abcdefABCDEF:.", c)) return false;
  char buf[46];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  unsigned char out[16];
  return inet_pton(AF_INET6, buf, out) == 1;
}

std::optional<Error> check_address_literal(std::string_view d) {
  std::string_view inner = d.substr(1, d.size() - 2);
  if (inner.size() > 5 && lower_domain(inner.substr(0, 5)) == "ipv6:") {
    if (!is_ipv6_literal(inner.substr(5))) return fail("invalid IPv6 address literal");
    return std::nullopt;
  }
  if (!is_ipv4_literal(inner)) return fail("invalid address literal");
  return std::nullopt;
}

// Domain = sub-domain *("." sub-domain); sub-domain = Let-dig [Ldh-str] (or a U-label).
std::optional<Error> check_domain(std::string_view d, bool allow_utf8) {
  if (d.empty()) return fail("empty domain");
  if (d.size() > kMaxDomain) return fail("domain longer than 255 octets");
  if (!non_ascii_ok(d, allow_utf8)) return fail("non-ASCII domain without SMTPUTF8");
  std::size_t start = 0;
  while (true) {
    std::size_t dot = d.find('.', start);
    std::string_view label = d.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty()) return fail("empty label in domain");
    if (label.size() > kMaxLabel) return fail("domain label longer than 63 octets");
    if (label.front() == '-' || label.back() == '-') return fail("label starts or ends with '-'");
    for (unsigned char c : label)
      if (!is_let_dig(c) && c != '-' && c < 0x80) return fail("invalid character in domain");
    if (dot == std::string_view::npos) return std::nullopt;
    start = dot + 1;
  }
}

std::optional<Error> check_domain_or_literal(std::string_view d, bool allow_utf8) {
  if (!d.empty() && d.front() == '[') {
    if (d.size() < 3 || d.back() != ']') return fail("unterminated address literal");
    return check_address_literal(d);
  }
  return check_domain(d, allow_utf8);
}

}  // namespace

std::string Address::str() const {
  if (is_null()) return {};
  std::string out;
  out.reserve(local.size() + 1 + domain.size());
  out.append(local).append(1, '@').append(domain);
  return out;
}

Result<Address> parse_mailbox(std::string_view text, bool allow_utf8) {
  std::size_t local_end;
  if (!text.empty() && text.front() == '"') {
    local_end = quoted_string_length(text);
    if (local_end == 0) return fail("invalid quoted local part");
  } else {
    local_end = text.find('@');
    if (local_end == std::string_view::npos) return fail("missing '@'");
    if (auto e = check_dot_string(text.substr(0, local_end))) return *e;
  }
  std::string_view local = text.substr(0, local_end);
  if (local_end >= text.size() || text[local_end] != '@') return fail("missing '@'");
  if (local.size() > kMaxLocalPart) return fail("local part longer than 64 octets");
  if (!non_ascii_ok(local, allow_utf8)) return fail("non-ASCII local part without SMTPUTF8");
  std::string_view domain = text.substr(local_end + 1);
  if (auto e = check_domain_or_literal(domain, allow_utf8)) return *e;
  return Address{std::string(local), std::string(domain)};
}

Result<Address> parse_path(std::string_view path, PathOptions options) {
  if (path.size() > kMaxPath) return fail("path longer than 256 octets");
  if (path.size() < 2 || path.front() != '<' || path.back() != '>') return fail("missing <>");
  std::string_view inner = path.substr(1, path.size() - 2);
  if (inner.empty()) {
    if (!options.allow_null) return fail("null path not allowed here");
    return Address{};
  }
  if (inner.front() == '@') {
    // A-d-l ":" Mailbox: a source route, accepted and ignored (RFC 5321 §4.1.1.3, Appendix C).
    std::size_t colon = inner.find(':');
    if (colon == std::string_view::npos) return fail("source route without ':'");
    std::string_view route = inner.substr(0, colon);
    std::size_t start = 0;
    while (start <= route.size()) {
      std::size_t comma = route.find(',', start);
      std::string_view hop =
          route.substr(start, comma == std::string_view::npos ? comma : comma - start);
      if (hop.size() < 2 || hop.front() != '@') return fail("invalid source route");
      if (auto e = check_domain(hop.substr(1), options.allow_utf8)) return *e;
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    inner = inner.substr(colon + 1);
  }
  return parse_mailbox(inner, options.allow_utf8);
}

std::optional<PathAndParams> split_path_and_params(std::string_view arg) {
  if (arg.empty() || arg.front() != '<') return std::nullopt;
  bool quoted = false;
  for (std::size_t i = 1; i < arg.size(); ++i) {
    char c = arg[i];
    if (quoted) {
      if (c == '\\') ++i;
      else if (c == '"') quoted = false;
      continue;
    }
    if (c == '"') quoted = true;
    else if (c == '<') return std::nullopt;
    else if (c == '>') {
      std::string_view rest = arg.substr(i + 1);
      if (!rest.empty() && rest.front() != ' ') return std::nullopt;
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      return PathAndParams{arg.substr(0, i + 1), rest};
    }
  }
  return std::nullopt;
}

Result<std::vector<EsmtpParam>> parse_esmtp_params(std::string_view text) {
  std::vector<EsmtpParam> out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    std::size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(i, end - i);
    i = end;
    std::size_t eq = item.find('=');
    std::string_view key = item.substr(0, eq);
    // esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
    if (key.empty() || !is_let_dig(key.front())) return fail("invalid parameter keyword");
    EsmtpParam p;
    for (unsigned char c : key) {
      if (!is_let_dig(c) && c != '-') return fail("invalid parameter keyword");
      p.keyword += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    }
    if (eq != std::string_view::npos) {
      // esmtp-value = 1*(%d33-60 / %d62-126), UTF-8 allowed by RFC 6531 §3.3
      std::string_view value = item.substr(eq + 1);
      if (value.empty()) return fail("empty parameter value");
      for (unsigned char c : value)
        if ((c < 33 || c > 126 || c == '=') && c < 0x80) return fail("invalid parameter value");
      if (!non_ascii_ok(value, true)) return fail("invalid UTF-8 in parameter value");
      p.value = std::string(value);
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::string lower_domain(std::string_view domain) {
  std::string out(domain);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

bool is_valid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t n = text.size(), i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte (RFC 3629 §4)
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c == 0xE0) len = 3, lo = 0xA0;
    else if (c == 0xED) len = 3, hi = 0x9F;  // no surrogates
    else if (c >= 0xE1 && c <= 0xEF) len = 3;
    else if (c == 0xF0) len = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) len = 4;
    else if (c == 0xF4) len = 4, hi = 0x8F;
    else return false;
    if (n - i < len) return false;
    if (s[i + 1] < lo || s[i + 1] > hi) return false;
    for (std::size_t k = 2; k < len; ++k)
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return false;
    i += len;
  }
  return true;
}

}  // namespace postern::mail
