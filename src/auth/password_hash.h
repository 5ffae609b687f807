// Argon2id password hashing (libsodium, crypto_pwhash_str at the INTERACTIVE limits).
// The hash string is self-describing, so limits can change without a migration.
// Thread-safe; each call costs ~80 ms of CPU here: never call on the event loop.
#pragma once
#include <string>
#include <string_view>

#include "base/result.h"

namespace postern::auth {

inline constexpr std::size_t kMinPasswordLength = 8;
inline constexpr std::size_t kMaxPasswordLength = 256;

// Error when the password is outside 8..256 bytes (the message says so, never the password).
Result<std::string> hash_password(std::string_view password);
bool verify_password(std::string_view hash, std::string_view password);
// Runs the same Argon2id work as verify_password against a fixed dummy hash, so that an
// unknown username costs as much as a wrong password (no enumeration by timing).
void burn_equivalent_work(std::string_view password);
// Initialises libsodium and computes the dummy hash now rather than on the first unknown
// user (whose reply would otherwise take twice as long). Optional; idempotent; thread-safe.
void init_password_hashing();

}  // namespace postern::auth
