// Adding and removing a sender domain together with its DKIM keys, so that the CLI and the
// HTTP API do it the same way: keys are generated (RSA-2048 and Ed25519) before the domain
// row is written and deleted again if that write fails; removal deletes the row, then the
// key files. Blocking (key generation ~50 ms, file and store I/O).
#pragma once
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "dkim/key_store.h"
#include "storage/store.h"

namespace postern::dkim {

// Error for an unknown account, an invalid name ("invalid domain ..."), a domain that exists
// (owned by any account), or a key that cannot be written. `algorithms`: the keys to make
// (non-empty; POST /api/v1/domains may ask for one only).
Result<storage::Domain> add_domain_with_keys(
    storage::Store& store, const KeyStore& keys, const std::string& account,
    const std::string& domain, Millis now,
    const std::vector<storage::DkimAlgorithm>& algorithms = {storage::DkimAlgorithm::Rsa,
                                                             storage::DkimAlgorithm::Ed25519});

Status remove_domain_with_keys(storage::Store& store, const KeyStore& keys,
                               const std::string& domain);

}  // namespace postern::dkim
