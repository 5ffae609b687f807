// One DKIM-Signature header field (RFC 6376 §3.5, §5): relaxed/relaxed, rsa-sha256 or
// ed25519-sha256 (RFC 8463), the chosen header fields of kSignedHeaders that are present
// plus From over-signed, t=, bh= over the whole body, folded to lines of at most 78 octets.
// Pure CPU work, thread-safe (EVP_PKEY is shared read-only).
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/key_store.h"
#include "dkim/message.h"
#include "storage/domain_store.h"

namespace postern::dkim {

// The fields signed when present, in this order (lower-case, as written into h=).
extern const std::span<const std::string_view> kSignedHeaders;

struct SigningKey {
  std::string domain;    // d=
  std::string selector;  // s=
  storage::DkimAlgorithm algorithm = storage::DkimAlgorithm::Rsa;
  KeyPtr key;
};

// The h= list for a message: each present field of kSignedHeaders as many times as it
// occurs, then "from" once more (over-signing: a From added later breaks the signature).
std::vector<std::string> signed_header_names(const ParsedMessage& message);

// The header data a signature covers (RFC 6376 §3.7): the relaxed form of each h= field,
// instances taken bottom-up (§5.4.2), a missing one contributing nothing.
std::string canonical_signed_headers(const ParsedMessage& message,
                                     const std::vector<std::string>& names);

// "DKIM-Signature: ...\r\n", or Error when the key cannot sign. body_hash: raw SHA-256 of the
// relaxed body; timestamp: seconds since the epoch (t=).
Result<std::string> make_signature(const ParsedMessage& message, const SigningKey& key,
                                   std::string_view body_hash, std::int64_t timestamp);

}  // namespace postern::dkim
