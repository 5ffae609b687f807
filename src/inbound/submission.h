// inbound::submit: what happens to a complete message between the end of DATA and the 250,
// in order: end-of-data policy (header From, lockdown, idempotency, scheduling, quota),
// trace headers, DKIM signature, the durable spool write, the delivery rows, the message log.
// Blocking (store, DNS, fsync): the session runs it on the blocking pool. No state of its own.
#pragma once
#include <string>

#include "inbound/message_composer.h"
#include "inbound/services.h"
#include "smtp/server.h"

namespace postern::inbound {

struct Submitter {
  const storage::SmtpUser& user;
  const std::string& client_ip;
  const std::string& session_id;
};

struct SubmissionOutcome {
  enum class Kind { Queued, AlreadyQueued, Refused, Failed };
  Kind kind = Kind::Failed;
  std::string queue_id;
  smtp::Reply refusal;  // Refused
};

SubmissionOutcome submit(Services& services, const Submitter& who, TraceInfo trace,
                         const smtp::Envelope& envelope, std::string data);

// One message-log event per recipient (or one without recipient) for a refused transaction.
// `reply` is the refusal the client got (in remote_reply): its "(ref ...)" ties it to the log.
void log_refusal(Services& services, const Submitter& who, const std::string& mail_from,
                 const std::string& rcpt, const std::string& reason,
                 const std::string& header_from = {}, const smtp::Reply* reply = nullptr);

}  // namespace postern::inbound
