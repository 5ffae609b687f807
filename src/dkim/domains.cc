#include "dkim/domains.h"

#include <vector>

namespace postern::dkim {

Result<storage::Domain> add_domain_with_keys(storage::Store& store, const KeyStore& keys,
                                             const std::string& account,
                                             const std::string& raw_domain, Millis now,
                                             const std::vector<storage::DkimAlgorithm>& algorithms) {
  if (algorithms.empty()) return Error{"at least one DKIM algorithm is needed"};
  auto name = storage::normalize_domain_name(raw_domain);
  if (!name) return name.error();
  if (!store.find_account(account)) return Error{"no such account: " + account};
  if (auto existing = store.find_domain(*name))
    return Error{"domain " + *name + " already exists (account " + existing->account + ")"};
  // Key files left by an add that failed half-way belong to no domain: clear them.
  if (auto s = keys.remove_domain(*name); !s) return s.error();

  std::vector<storage::DkimSelector> selectors;
  for (auto algorithm : algorithms) {
    auto sel = keys.generate(*name, algorithm, now);
    if (!sel) {
      (void)keys.remove_domain(*name);
      return sel.error();
    }
    selectors.push_back(std::move(sel.value()));
  }
  auto added = store.add_domain(account, *name, selectors);
  if (!added) {
    // Only our own files: another add of the same name may have won the race meanwhile.
    for (const auto& sel : selectors) (void)keys.remove_key(*name, sel.selector);
    return added.error();
  }
  return added;
}

Status remove_domain_with_keys(storage::Store& store, const KeyStore& keys,
                               const std::string& raw_domain) {
  auto name = storage::normalize_domain_name(raw_domain);
  if (!name) return name.error();
  if (auto s = store.remove_domain(*name); !s) return s;
  return keys.remove_domain(*name);
}

}  // namespace postern::dkim
