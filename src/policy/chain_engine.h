// ChainEngine: the policy::Engine as three ordered lists of small checks (MAIL FROM, RCPT TO,
// end of DATA); the first refusal wins. It keeps, per session, what an accepted end of DATA
// left to settle (quota charge, idempotency reservation) until queued()/not_queued(), and
// settles it itself when a later check refuses. A store failure becomes `451 4.3.0` (reason
// "internal_error"), never a policy refusal. Thread-safe: checks are shared by all sessions.
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/config.h"
#include "dns/resolver.h"
#include "policy/checks.h"
#include "storage/store.h"

namespace postern::policy {

class ChainEngine final : public Engine {
 public:
  struct Chains {
    std::vector<std::unique_ptr<MailFromCheck>> mail_from;
    std::vector<std::unique_ptr<RecipientCheck>> rcpt;
    std::vector<std::unique_ptr<DataCheck>> data;
  };
  ChainEngine(Chains chains, storage::PolicyStore& store, const Clock& clock);

  Decision at_mail_from(const Submission& s, const std::string& mail_from) override;
  Decision at_rcpt(const Submission& s, const std::string& recipient) override;
  DataDecision at_end_of_data(const Submission& s, const smtp::Envelope& envelope,
                              std::string& message) override;
  void queued(const Submission& s, const std::string& queue_id) override;
  void not_queued(const Submission& s, const smtp::Envelope& envelope) override;

  std::size_t pending_count() const;

 private:
  void settle_failed(const Pending& p);  // refund + release; best effort
  std::optional<Pending> take_pending(const Submission& s);

  Chains chains_;
  storage::PolicyStore& store_;
  const Clock& clock_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Pending> pending_;  // by session key
};

struct EngineOptions {
  std::string spf_include;  // "" : mode `any` permits only assigned / account domains
  // Rate limits counted in the store (every node on the database shares them) rather than in
  // this process: see rate_limit.h.
  bool shared_rate_counters = false;
};

// Whether a store URL names a database that several nodes may share (PostgreSQL), so that
// rate limits must be counted in it.
bool store_is_shared(const std::string& store_url);

// The production chain, in the order of PRODUCT.md: MAIL FROM sender permission, rate limit,
// quota; RCPT suppression list; end of DATA header From: permission, Domain Lockdown,
// idempotency key, scheduling, quota charge. Store, resolver and clock must outlive it. The
// config overload counts rate limits in the store when config.store_url is PostgreSQL.
std::unique_ptr<Engine> make_engine(storage::Store& store, dns::Resolver& resolver,
                                    const EngineOptions& options, const Clock& clock);
std::unique_ptr<Engine> make_engine(storage::Store& store, dns::Resolver& resolver,
                                    const config::Config& config, const Clock& clock);

}  // namespace postern::policy
