// dkim::KeyStore: the DKIM private keys, one PEM file (PKCS#8, unencrypted) per selector at
// <data_dir>/dkim/<domain>/<selector>.key, mode 0600 in directories of mode 0700 whatever the
// umask. Only the public halves go to the Store. Keys are never logged or printed.
// Stateless apart from the directory: thread-safe; blocking file I/O.
#pragma once
#include <openssl/types.h>

#include <memory>
#include <string>

#include "base/result.h"
#include "base/time.h"
#include "storage/domain_store.h"

namespace postern::dkim {

using KeyPtr = std::shared_ptr<EVP_PKEY>;  // immutable once loaded: safe to share

class KeyStore {
 public:
  explicit KeyStore(std::string data_dir);

  // Selector names: "pstrn-rsa-YYYYMM" / "pstrn-ed-YYYYMM" (UTC month of `now`), so a
  // rotation in a later month gets a fresh name and both keys can be published side by side.
  static std::string selector_name(storage::DkimAlgorithm algorithm, Millis now);

  // Generates an RSA-2048 or Ed25519 key pair and writes the private key; the result is the
  // selector to store (p= is base64 DER SubjectPublicKeyInfo for RSA, RFC 6376 §3.6.1, and
  // the raw 32-byte key for Ed25519, RFC 8463 §4.2). Never overwrites an existing key file.
  Result<storage::DkimSelector> generate(const std::string& domain,
                                         storage::DkimAlgorithm algorithm, Millis now) const;
  // Reads and parses a private key file.
  Result<KeyPtr> load(const std::string& domain, const std::string& selector) const;
  // Removes <data_dir>/dkim/<domain>/ and every key in it (absent: Ok).
  Status remove_domain(const std::string& domain) const;
  // Removes one key file (absent: Ok).
  Status remove_key(const std::string& domain, const std::string& selector) const;

  std::string domain_dir(const std::string& domain) const;
  std::string key_path(const std::string& domain, const std::string& selector) const;

 private:
  std::string dir_;  // <data_dir>/dkim
};

// The p= value of a key (see generate()).
Result<std::string> public_key_base64(EVP_PKEY* key, storage::DkimAlgorithm algorithm);

}  // namespace postern::dkim
