#include "auth/password_hash.h"

#include <sodium.h>

#include <algorithm>
#include <semaphore>
#include <stdexcept>
#include <thread>

#include "base/random.h"

namespace postern::auth {
namespace {

void ensure_sodium() {
  // A function-local static is initialised exactly once, even under concurrent first calls.
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium failed to initialise");
}

Result<std::string> hash_unchecked(std::string_view password) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return Error{"password hashing failed (out of memory)"};
  return std::string(out);
}

// A hash of a random password with today's parameters, so verifying against it costs what
// verifying against a real user's hash costs.
const std::string& dummy_hash() {
  static const std::string hash = [] {
    auto h = hash_unchecked(random_bytes(32));
    if (!h) throw std::runtime_error(h.error().message);
    return std::move(h).value();
  }();
  return hash;
}

}  // namespace

Result<std::string> hash_password(std::string_view password) {
  if (password.size() < kMinPasswordLength || password.size() > kMaxPasswordLength)
    return Error{"password must be 8 to 256 bytes long (got " + std::to_string(password.size()) +
                 ")"};
  return hash_unchecked(password);
}

bool verify_password(std::string_view hash, std::string_view password) {
  ensure_sodium();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  const std::string z(hash);  // crypto_pwhash_str_verify wants a NUL-terminated string
  // At most one Argon2id verification per core at a time: each is CPU- and memory-hard
  // (MEMLIMIT_INTERACTIVE each), and the blocking pool is larger than the core count (it also
  // waits on fsyncs), so the pool's size must not decide how many run at once.
  static std::counting_semaphore<1024> slots(
      static_cast<std::ptrdiff_t>(std::clamp(std::thread::hardware_concurrency(), 2u, 1024u)));
  slots.acquire();
  struct Release {
    ~Release() { slots.release(); }
  } release;
  return crypto_pwhash_str_verify(z.c_str(), password.data(), password.size()) == 0;
}

void burn_equivalent_work(std::string_view password) {
  // The result is irrelevant; the dummy password is random, so this never matches.
  (void)verify_password(dummy_hash(), password);
}

void init_password_hashing() {
  ensure_sodium();
  (void)dummy_hash();
}

}  // namespace postern::auth
