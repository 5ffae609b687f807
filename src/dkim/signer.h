// dkim::Signer adds DKIM-Signature headers (RFC 6376 relaxed/relaxed, rsa-sha256, and
// ed25519-sha256 per RFC 8463 when the domain has that key) to a message whose header From:
// domain belongs to the sending account. Keys are read from the KeyStore (files of mode 0600
// under data_dir/dkim/). Pure CPU work plus a store read: call on the blocking pool.
// Thread-safe.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/time.h"
#include "storage/store.h"

namespace postern::dkim {

class Signer {
 public:
  virtual ~Signer() = default;
  // The DKIM-Signature header field(s) to prepend (each ending in CRLF), or "" when the
  // message's From: domain is not a domain of `account` (or it has no key).
  virtual std::string sign(const std::string& account, std::string_view message) = 0;
};

// The store and the clock must outlive the signer. Parsed private keys are cached in memory
// (keyed by domain, selector and public key, so a regenerated key is picked up); the store is
// read for every message, so a removed domain stops being signed at once.
std::unique_ptr<Signer> make_signer(storage::Store& store, const std::string& data_dir);
std::unique_ptr<Signer> make_signer(storage::Store& store, const std::string& data_dir,
                                    const Clock& clock);

}  // namespace postern::dkim
