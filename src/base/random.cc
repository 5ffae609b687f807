#include "base/random.h"

#include <openssl/rand.h>

#include <stdexcept>

#include "base/encoding.h"

namespace postern {

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("RAND_bytes failed");
  return out;
}

std::string new_uuid() {
  std::string b = random_bytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  std::string h = hex_encode(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

std::string generate_password() {
  static constexpr char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  constexpr unsigned kSize = sizeof(kAlphabet) - 1;
  std::string out;
  while (out.size() < 24) {
    for (unsigned char c : random_bytes(32)) {
      if (c >= 256 / kSize * kSize) continue;  // rejection sampling: no modulo bias
      out += kAlphabet[c % kSize];
      if (out.size() == 24) break;
    }
  }
  return out;
}

}  // namespace postern
