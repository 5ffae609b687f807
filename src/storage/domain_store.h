// storage::DomainStore: the sender domains of accounts and their DKIM selectors (F9).
// Part of Store. Owned by the dkim/domains work: extend freely.
#pragma once

namespace postern::storage {

class DomainStore {
 public:
  virtual ~DomainStore() = default;
};

}  // namespace postern::storage
