// Helpers shared by the smtp::Server implementation files (server*.cc): ASCII case folding
// for verbs and keywords, and the error limit. Not part of the public API; pure, thread-safe.
#pragma once
#include <string>
#include <string_view>

namespace postern::smtp::internal {

inline char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }

// Case-insensitive ASCII comparison (SMTP verbs and keywords, RFC 5321 §2.4).
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_upper(a[i]) != ascii_upper(b[i])) return false;
  return true;
}

inline std::string ascii_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_upper(c);
  return out;
}

inline constexpr int kMaxErrors = 20;  // like Postfix's smtpd_hard_error_limit

}  // namespace postern::smtp::internal
