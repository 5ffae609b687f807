#include "policy/idempotency.h"

#include <openssl/evp.h>

#include "base/encoding.h"
#include "smtp/replies.h"

namespace postern::policy {

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  return hex_encode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

Idempotency::Idempotency(storage::PolicyStore& store, const Clock& clock)
    : store_(store), clock_(clock) {}

Decision Idempotency::check(DataContext& ctx) {
  std::vector<std::string> keys = header_values(ctx.headers, "X-Idempotency-Key");
  if (keys.empty()) return Decision::accept();
  const std::string& key = keys.front();
  if (key.empty() || key.size() > kMaxIdempotencyKey)
    return Decision::refuse(smtp::replies::idempotency_key_too_long(), "idempotency",
                            "X-Idempotency-Key of " + std::to_string(key.size()) + " characters");
  const std::string hash = sha256_hex(message_body(ctx.message));
  const std::int64_t user_id = ctx.submission.user.id;
  auto claim = store_.claim_idempotency_key(user_id, key, hash, clock_.now_ms(), kIdempotencyTtl,
                                            kIdempotencyInFlightTimeout);
  if (!claim) throw storage::StoreError(claim.error().message);
  using Kind = storage::IdempotencyClaim::Kind;
  switch (claim->kind) {
    case Kind::Reserved:
      ctx.pending.idempotency_key = key;
      return Decision::accept();
    case Kind::AlreadyQueued:
      ctx.result.already_queued = claim->queue_id;
      return Decision::accept();
    case Kind::InFlight:
      return Decision::refuse(smtp::replies::idempotency_in_flight(), "idempotency",
                              "first submission with this key not queued yet");
    case Kind::BodyMismatch:
      break;
  }
  return Decision::refuse(smtp::replies::idempotency_key_reused(), "idempotency",
                          "X-Idempotency-Key reused with a different body");
}

}  // namespace postern::policy
