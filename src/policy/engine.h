// policy::Engine: every policy check of an authenticated submission, per SMTP phase
// (PRODUCT.md "Checks, in order"): MAIL FROM (sender permission, rate limit, quota), RCPT TO
// (suppression list), end of DATA (header From permission, Domain Lockdown, idempotency key,
// scheduling, quota charge). Every call may read the store or DNS and so blocks: the session
// runs them on the blocking pool. Implementations are thread-safe.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "policy/decision.h"
#include "smtp/server.h"
#include "storage/records.h"

namespace postern::policy {

struct Submission {
  const storage::SmtpUser& user;
  const std::string& client_ip;
  // The session id: ties queued()/not_queued() to the at_end_of_data that preceded them (one
  // transaction at a time per session). Empty: user uuid + client ip stand in for it.
  std::string_view session = {};
};

class Engine {
 public:
  virtual ~Engine() = default;
  virtual Decision at_mail_from(const Submission& s, const std::string& mail_from) = 0;
  virtual Decision at_rcpt(const Submission& s, const std::string& recipient) = 0;
  // May rewrite `message` (e.g. strip X-Idempotency-Key / X-Scheduled-At). When it accepts, the
  // user's quota has been charged for envelope.recipients.size() messages.
  virtual DataDecision at_end_of_data(const Submission& s, const smtp::Envelope& envelope,
                                      std::string& message) = 0;
  // After an accepted at_end_of_data: the message is queued as `queue_id` (records the
  // idempotency key), or could not be stored (gives back the quota it charged).
  virtual void queued(const Submission& s, const std::string& queue_id) = 0;
  virtual void not_queued(const Submission& s, const smtp::Envelope& envelope) = 0;
};

}  // namespace postern::policy
