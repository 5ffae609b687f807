// SASL response decoding for SMTP AUTH (RFC 4954): PLAIN (RFC 4616) and LOGIN
// (draft-murchison-sasl-login). Strict base64 only; every decoded plaintext is held in a Secret
// and wiped. Pure functions; thread-safe.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/secret.h"

namespace postern::smtp::sasl {

inline constexpr std::size_t kMaxUsername = 256;  // longer is Malformed, never looked up
inline constexpr std::size_t kMaxAuthzid = 256;
inline constexpr std::string_view kUsernameChallenge = "VXNlcm5hbWU6";  // "Username:"
inline constexpr std::string_view kPasswordChallenge = "UGFzc3dvcmQ6";  // "Password:"

// "*" cancels the exchange (RFC 4954 §4).
inline bool is_cancellation(std::string_view line) { return line == "*"; }

// A client response: "=" and "" are the empty response (RFC 4954 §4), anything else must be
// canonical base64 (postern::base64_decode). nullopt when it is not.
std::optional<Secret> decode_response(std::string_view text);

struct PlainCredentials {
  std::string authzid;   // may be empty
  std::string username;  // authcid, as sent (1..kMaxUsername octets, no NUL)
  Secret password;       // non-empty, no NUL
};
// message = [authzid] NUL authcid NUL passwd (RFC 4616 §2), from its base64 text. nullopt for
// bad base64, a NUL count other than two, an empty username or password, or a username or
// authzid over 256 octets.
std::optional<PlainCredentials> decode_plain(std::string_view text);

// LOGIN fields: one base64 response each; empty, NUL-bearing or (username) over-long is nullopt.
std::optional<std::string> decode_login_username(std::string_view text);
std::optional<Secret> decode_login_password(std::string_view text);

}  // namespace postern::smtp::sasl
