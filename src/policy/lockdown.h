// Domain Lockdown (F23) at end of DATA: for each domain of the header From:, a v=pl1 TXT
// record at `_postern.<domain>` (grammar in lockdown_record.h) that does not list this user's
// UUID or username refuses the message with `550 5.7.1 [LOCKDOWN] Blocked.` (reason
// "lockdown", with a ref). No record: no restriction. The exact domain only (a record on a
// parent domain does not cover subdomains). A DNS failure does not block (fail open, noted in
// the decision's detail). Runs after the From: permission check. Thread-safe; blocks on DNS.
#pragma once
#include "dns/resolver.h"
#include "policy/checks.h"

namespace postern::policy {

class DomainLockdown final : public DataCheck {
 public:
  explicit DomainLockdown(dns::Resolver& resolver);
  Decision check(DataContext& ctx) override;

 private:
  dns::Resolver& resolver_;
};

}  // namespace postern::policy
