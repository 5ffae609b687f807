// dkim::verify_domain: checks through DNS that an operator published what Postern needs for
// a domain (F9): SPF authorising the relay's include host (directly or through nested
// include/redirect within RFC 7208 §4.6.4's 10 lookups), each DKIM selector's key record with
// the stored public key, and a DMARC record. Blocking (DNS): run off the event loops.
#pragma once
#include <string>
#include <vector>

#include "base/time.h"
#include "dns/resolver.h"
#include "storage/domain_store.h"

namespace postern::dkim {

struct CheckResult {
  storage::CheckStatus status = storage::CheckStatus::Unchecked;
  std::string name;      // the DNS name asked
  std::string expected;  // what was looked for ("include:_spf.relay.example", "p=MIIB...")
  std::string found;     // the record found ("" when none)
  std::string detail;    // one line for the operator
};

struct SelectorCheck {
  std::string selector;
  CheckResult result;
};

struct DomainReport {
  std::string domain;
  CheckResult spf;
  std::vector<SelectorCheck> dkim;
  CheckResult dmarc;
  // Ok when every selector is; Mismatch when any is; else Missing.
  storage::CheckStatus dkim_status() const;
  storage::DomainVerification verification(Millis checked_at) const;
};

DomainReport verify_domain(const storage::Domain& domain, dns::Resolver& resolver,
                           const std::string& spf_include);

// The include/redirect search alone: Ok when `record` (a "v=spf1 ..." text) reaches
// `include_host`; Mismatch otherwise or past the lookup limit (detail says which).
CheckResult check_spf_record(const std::string& record, const std::string& include_host,
                             dns::Resolver& resolver);

}  // namespace postern::dkim
