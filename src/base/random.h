// Cryptographically secure randomness (OpenSSL RAND_bytes) and identifiers built on it.
// Thread-safe.
#pragma once
#include <string>

namespace postern {

std::string random_bytes(std::size_t n);
// RFC 9562 version 4 UUID, lower-case, with dashes.
std::string new_uuid();
// A password for `--generate`: 24 characters from an unambiguous alphabet (~140 bits).
std::string generate_password();

}  // namespace postern
