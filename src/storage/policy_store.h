// storage::PolicyStore: counters (quotas, rate limits), suppression lists, idempotency keys and
// whatever else the policy checks keep (F10, F14, F22). Part of Store. Owned by the policy work:
// extend freely.
#pragma once

namespace postern::storage {

class PolicyStore {
 public:
  virtual ~PolicyStore() = default;
};

}  // namespace postern::storage
