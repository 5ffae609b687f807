// The small checks the ChainEngine runs in order (PRODUCT.md "Checks, in order"), one
// interface per SMTP phase. Each returns a policy::Decision; the first refusal wins. An end-of-
// DATA check may record in DataContext::pending what queued()/not_queued() must settle (a
// quota charge, an idempotency reservation), and may end the chain early by setting
// result.already_queued (an idempotent replay). Checks are immutable or internally
// synchronised: one instance serves every session.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "policy/address_list.h"
#include "policy/decision.h"
#include "policy/engine.h"
#include "policy/message_headers.h"

namespace postern::policy {

// What an accepted end of DATA leaves to settle once the message is (or is not) queued.
struct Pending {
  std::int64_t user_id = 0;
  std::optional<std::string> idempotency_key;  // reserved, to complete or release
  std::int64_t quota_charged = 0;              // messages charged ...
  Millis quota_period_start = 0;               // ... in this period, to refund if not queued
  Millis created_at = 0;
};

struct DataContext {
  const Submission& submission;
  const smtp::Envelope& envelope;
  const std::string& message;
  std::vector<HeaderField> headers;        // parsed once by the engine
  std::vector<HeaderAddress> header_from;  // every From: address, filled by the From check
  DataDecision result;
  Pending pending;
};

class MailFromCheck {
 public:
  virtual ~MailFromCheck() = default;
  // mail_from: "local@domain", or "" for the null reverse-path.
  virtual Decision check(const Submission& s, const std::string& mail_from) = 0;
};

class RecipientCheck {
 public:
  virtual ~RecipientCheck() = default;
  virtual Decision check(const Submission& s, const std::string& recipient) = 0;
};

class DataCheck {
 public:
  virtual ~DataCheck() = default;
  virtual Decision check(DataContext& ctx) = 0;
};

// A short random reference ("ref 3f9a2c1b") that ties a refusal the client sees to the log.
std::string new_ref();

}  // namespace postern::policy
