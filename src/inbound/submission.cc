#include "inbound/submission.h"

namespace postern::inbound {
namespace {

storage::MessageEvent event_for(const Submitter& who, const std::string& mail_from) {
  storage::MessageEvent e;
  e.time = now_ms();
  e.user = who.user.username;
  e.account = who.user.account_name;
  e.ip = who.client_ip;
  e.mail_from = events::sanitize(mail_from, 256);
  return e;
}

}  // namespace

void log_refusal(Services& services, const Submitter& who, const std::string& mail_from,
                 const std::string& rcpt, const std::string& reason,
                 const std::string& header_from, const smtp::Reply* reply) {
  storage::MessageEvent e = event_for(who, mail_from);
  e.rcpt = events::sanitize(rcpt, 256);
  e.header_from = events::sanitize(header_from, 256);
  if (reply && reply->code != 0) e.remote_reply = events::sanitize(reply->first_line(), 512);
  e.status = reason == "suppressed" ? "suppressed" : "rejected";
  e.reason = reason;
  services.message_log.record(std::move(e));
}

SubmissionOutcome submit(Services& services, const Submitter& who, TraceInfo trace,
                         const smtp::Envelope& envelope, std::string data) {
  const policy::Submission submission{who.user, who.client_ip, who.session_id};
  policy::DataDecision verdict = services.policy.at_end_of_data(submission, envelope, data);
  if (!verdict.decision.accepted) {
    for (const auto& rcpt : envelope.recipients)
      log_refusal(services, who, envelope.mail_from, rcpt, verdict.decision.reason,
                  verdict.header_from, &verdict.decision.reply);
    return {SubmissionOutcome::Kind::Refused, "", verdict.decision.reply};
  }
  if (verdict.already_queued) return {SubmissionOutcome::Kind::AlreadyQueued, *verdict.already_queued, {}};

  std::string message = compose_message(trace, data);
  data.clear();
  data.shrink_to_fit();
  if (services.signer) {
    std::string signature = services.signer->sign(who.user.account_name, message);
    if (!signature.empty()) message.insert(0, signature);
  }

  queue::EnvelopeRecord record;
  record.id = trace.queue_id;
  record.mail_from = envelope.mail_from;
  record.recipients = envelope.recipients;
  record.client_ip = who.client_ip;
  record.received_at = trace.when;
  record.user_uuid = who.user.uuid;
  record.username = who.user.username;
  record.account = who.user.account_name;
  // STYLE rule 7: the 250 waits for this call, which returns only once the bytes are durable.
  Result<std::string> stored = services.spool.store(record, message);
  if (!stored) {
    services.policy.not_queued(submission, envelope);
    services.log.error("enqueue_failed", {{"session", who.session_id}, {"error", stored.error().message}});
    return {SubmissionOutcome::Kind::Failed, "", {}};
  }
  services.policy.queued(submission, *stored);

  const Millis due = verdict.deliver_at.value_or(trace.when);
  if (auto s = services.store.add_deliveries(*stored, envelope.recipients, trace.when, due); !s) {
    // The message is durable in the spool; the scheduler's start-up reconciliation adds the
    // missing rows. Acknowledge it: it will be delivered.
    services.log.error("delivery_rows_failed", {{"id", *stored}, {"error", s.error().message}});
  }
  for (const auto& rcpt : envelope.recipients) {
    storage::MessageEvent e = event_for(who, envelope.mail_from);
    e.id = *stored;
    e.rcpt = events::sanitize(rcpt, 256);
    e.header_from = events::sanitize(verdict.header_from, 256);
    e.size = message.size();
    e.status = "accepted";
    services.message_log.record(std::move(e));
  }
  if (services.message_queued) services.message_queued();
  return {SubmissionOutcome::Kind::Queued, *stored, {}};
}

}  // namespace postern::inbound
