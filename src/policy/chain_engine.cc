#include "policy/chain_engine.h"

#include "policy/idempotency.h"
#include "policy/lockdown.h"
#include "policy/quota.h"
#include "policy/rate_limit.h"
#include "policy/scheduling.h"
#include "policy/sender_permission.h"
#include "policy/suppression.h"
#include "smtp/replies.h"

namespace postern::policy {
namespace {

// Pending entries of sessions that vanished between end of DATA and queueing are dropped
// after this long (the store side expires on its own: kIdempotencyInFlightTimeout).
constexpr Millis kPendingLifetime = 3600 * 1000;

std::string session_key(const Submission& s) {
  if (!s.session.empty()) return std::string(s.session);
  return s.user.uuid + "|" + s.client_ip;
}

Decision internal_error(const std::exception& e) {
  return Decision::refuse(smtp::replies::local_problem(), "internal_error", e.what());
}

// The headers the relay consumes: never delivered (F22).
const std::vector<std::string_view> kConsumedHeaders = {"X-Idempotency-Key", "X-Scheduled-At"};

}  // namespace

ChainEngine::ChainEngine(Chains chains, storage::PolicyStore& store, const Clock& clock)
    : chains_(std::move(chains)), store_(store), clock_(clock) {}

Decision ChainEngine::at_mail_from(const Submission& s, const std::string& mail_from) {
  try {
    for (auto& check : chains_.mail_from)
      if (Decision d = check->check(s, mail_from); !d.accepted) return d;
    return Decision::accept();
  } catch (const std::exception& e) {
    return internal_error(e);
  }
}

Decision ChainEngine::at_rcpt(const Submission& s, const std::string& recipient) {
  try {
    for (auto& check : chains_.rcpt)
      if (Decision d = check->check(s, recipient); !d.accepted) return d;
    return Decision::accept();
  } catch (const std::exception& e) {
    return internal_error(e);
  }
}

DataDecision ChainEngine::at_end_of_data(const Submission& s, const smtp::Envelope& envelope,
                                         std::string& message) {
  DataContext ctx{s, envelope, message, parse_header_fields(message), {}, {}, {}};
  ctx.pending.user_id = s.user.id;
  ctx.pending.created_at = clock_.now_ms();
  std::string notes;
  try {
    for (auto& check : chains_.data) {
      Decision d = check->check(ctx);
      if (!d.detail.empty() && d.accepted) notes += (notes.empty() ? "" : "; ") + d.detail;
      if (!d.accepted) {
        settle_failed(ctx.pending);
        ctx.result.decision = std::move(d);
        ctx.result.already_queued.reset();
        ctx.result.deliver_at.reset();
        return std::move(ctx.result);
      }
      if (ctx.result.already_queued) break;  // idempotent replay: nothing more to do
    }
  } catch (const std::exception& e) {
    settle_failed(ctx.pending);
    ctx.result.decision = internal_error(e);
    return std::move(ctx.result);
  }
  strip_header_fields(message, kConsumedHeaders);
  ctx.result.decision.detail = notes;
  if (!ctx.result.already_queued &&
      (ctx.pending.idempotency_key || ctx.pending.quota_charged > 0)) {
    std::lock_guard lock(mu_);
    const Millis now = clock_.now_ms();
    std::erase_if(pending_, [&](const auto& kv) { return kv.second.created_at + kPendingLifetime < now; });
    pending_[session_key(s)] = ctx.pending;
  }
  return std::move(ctx.result);
}

std::optional<Pending> ChainEngine::take_pending(const Submission& s) {
  std::lock_guard lock(mu_);
  auto it = pending_.find(session_key(s));
  if (it == pending_.end()) return std::nullopt;
  Pending p = std::move(it->second);
  pending_.erase(it);
  return p;
}

void ChainEngine::queued(const Submission& s, const std::string& queue_id) {
  auto p = take_pending(s);
  if (!p || !p->idempotency_key) return;
  try {
    (void)store_.complete_idempotency_key(p->user_id, *p->idempotency_key, queue_id);
  } catch (const std::exception&) {
    // Best effort: the reservation then expires and a retry is queued again.
  }
}

void ChainEngine::not_queued(const Submission& s, const smtp::Envelope&) {
  if (auto p = take_pending(s)) settle_failed(*p);
}

void ChainEngine::settle_failed(const Pending& p) {
  try {
    if (p.quota_charged > 0)
      (void)store_.refund_quota(p.user_id, p.quota_period_start, p.quota_charged);
    if (p.idempotency_key) (void)store_.release_idempotency_key(p.user_id, *p.idempotency_key);
  } catch (const std::exception&) {
    // Best effort: an unrefunded charge errs on the safe side; a reservation expires.
  }
}

std::size_t ChainEngine::pending_count() const {
  std::lock_guard lock(mu_);
  return pending_.size();
}

std::unique_ptr<Engine> make_engine(storage::Store& store, dns::Resolver& resolver,
                                    const EngineOptions& options, const Clock& clock) {
  auto spf = options.spf_include.empty()
                 ? nullptr
                 : std::make_unique<SpfAuthorization>(resolver, options.spf_include);
  auto permission = std::make_shared<const SenderPermission>(store, std::move(spf));
  ChainEngine::Chains chains;
  chains.mail_from.push_back(std::make_unique<MailFromPermission>(permission));
  chains.mail_from.push_back(
      std::make_unique<RateLimit>(store, clock, options.shared_rate_counters));
  chains.mail_from.push_back(std::make_unique<QuotaPrecheck>(store, clock));
  chains.rcpt.push_back(std::make_unique<SuppressionList>(store));
  chains.data.push_back(std::make_unique<HeaderFromPermission>(permission));
  chains.data.push_back(std::make_unique<DomainLockdown>(resolver));
  chains.data.push_back(std::make_unique<Idempotency>(store, clock));
  chains.data.push_back(std::make_unique<Scheduling>(clock));
  chains.data.push_back(std::make_unique<QuotaCharge>(store, clock));
  return std::make_unique<ChainEngine>(std::move(chains), store, clock);
}

std::unique_ptr<Engine> make_engine(storage::Store& store, dns::Resolver& resolver,
                                    const config::Config& config, const Clock& clock) {
  return make_engine(store, resolver,
                     EngineOptions{config.spf_include, store_is_shared(config.store_url)}, clock);
}

bool store_is_shared(const std::string& store_url) {
  return store_url.starts_with("postgresql://") || store_url.starts_with("postgres://");
}

}  // namespace postern::policy
