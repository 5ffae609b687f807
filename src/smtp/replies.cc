#include "smtp/replies.h"

namespace postern::smtp::replies {
namespace {
Reply r(int code, const char* enhanced, std::string text) {
  return make_reply(code, enhanced, std::move(text));
}
std::string cat(std::string_view a, std::string_view b, std::string_view c = {},
                std::string_view d = {}, std::string_view e = {}) {
  std::string s;
  s.reserve(a.size() + b.size() + c.size() + d.size() + e.size());
  return s.append(a).append(b).append(c).append(d).append(e);
}
}  // namespace

Reply greeting(std::string_view h) { return r(220, "", cat(h, " ESMTP Postern")); }
Reply helo(std::string_view h) { return r(250, "", std::string(h)); }
Reply ehlo_syntax(std::string_view verb) {
  return r(501, "5.5.4", cat("Syntax: ", verb, " hostname"));
}
Reply ok() { return r(250, "2.0.0", "OK"); }
Reply closing(std::string_view h) { return r(221, "2.0.0", cat(h, " closing connection")); }
Reply help() {
  return r(214, "2.0.0",
           "Commands: EHLO HELO STARTTLS AUTH MAIL RCPT DATA RSET NOOP QUIT HELP (RFC 5321)");
}
Reply cannot_vrfy() { return r(252, "2.5.0", "Cannot VRFY user"); }
Reply not_implemented() { return r(502, "5.5.1", "Command not implemented"); }
Reply unrecognized() { return r(500, "5.5.1", "Command unrecognized"); }
Reply empty_command() { return r(500, "5.5.2", "Error: bad syntax"); }
Reply syntax_error() { return r(501, "5.5.4", "Syntax error"); }
Reply bad_sequence() { return r(503, "5.5.1", "Bad sequence of commands"); }
Reply line_too_long() { return r(500, "5.5.2", "Line too long"); }
Reply line_must_end_with_crlf() { return r(500, "5.5.2", "Line must end with CRLF"); }
Reply too_many_errors(std::string_view h) {
  return r(421, "4.7.0", cat(h, " Error: too many errors"));
}
Reply shutting_down(std::string_view h) { return r(421, "4.4.2", cat(h, " closing connection")); }
Reply starttls_ready() { return r(220, "2.0.0", "Ready to start TLS"); }

Reply auth_challenge(std::string_view b64) { return r(334, "", std::string(b64)); }
Reply encryption_required() {
  return r(538, "5.7.11", "Encryption required for requested authentication mechanism");
}
Reply unrecognized_auth_type() { return r(504, "5.5.4", "Unrecognized authentication type"); }
Reply auth_syntax() { return r(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]"); }
Reply cannot_decode() { return r(501, "5.5.2", "Cannot decode response"); }
Reply auth_cancelled() { return r(501, "5.7.0", "Authentication cancelled"); }
Reply already_authenticated() { return r(503, "5.5.1", "Already authenticated"); }
Reply auth_succeeded() { return r(235, "2.7.0", "Authentication successful"); }
Reply auth_failed() { return r(535, "5.7.8", "Authentication failed"); }
Reply ip_not_authorized() { return r(535, "5.7.1", "IP not authorized"); }
Reply auth_throttled() {
  return r(454, "4.7.0", "Temporary authentication failure, try again later");
}
Reply auth_required() { return r(530, "5.7.0", "Authentication required"); }

Reply mail_syntax() { return r(501, "5.5.4", "Syntax: MAIL FROM:<address>"); }
Reply rcpt_syntax() { return r(501, "5.5.4", "Syntax: RCPT TO:<address>"); }
Reply bad_address() { return r(501, "5.1.3", "Bad address syntax"); }
Reply unsupported_parameter() { return r(555, "5.5.4", "Unsupported parameter"); }
Reply message_too_large() {
  return r(552, "5.3.4", "Message size exceeds fixed maximum message size");
}
Reply sender_ok() { return r(250, "2.1.0", "OK"); }
Reply recipient_ok() { return r(250, "2.1.5", "OK"); }
Reply too_many_recipients() { return r(452, "4.5.3", "Too many recipients"); }
Reply no_valid_recipients() { return r(554, "5.5.1", "No valid recipients"); }
Reply start_data() { return r(354, "", "End data with <CR><LF>.<CR><LF>"); }
Reply bare_line_ending_in_data() { return r(550, "5.6.2", "Bare LF/CR not allowed"); }
Reply queued(std::string_view id) { return r(250, "2.0.0", cat("OK Message queued as ", id)); }
Reply already_queued(std::string_view id) {
  return r(250, "2.0.0", cat("OK Message already queued as ", id));
}
Reply local_problem() { return r(451, "4.3.0", "Temporary local problem, try again later"); }

Reply acl_blocked(std::string_view domain, std::string_view ref) {
  return r(550, "5.7.1",
           cat("[ACL] Blocked. Sender domain ", domain,
               " is not permitted for this SMTP user (ref ", ref, ")"));
}
Reply lockdown_blocked(std::string_view domain, std::string_view ref) {
  return r(550, "5.7.1",
           cat("[LOCKDOWN] Blocked. ", domain, " only allows other SMTP users (ref ", ref, ")"));
}
Reply rate_limited() { return r(421, "4.7.1", "Rate limit exceeded. Try again later."); }
Reply quota_exceeded_tempfail() { return r(452, "4.7.1", "[QUOTA] Sending quota exceeded"); }
Reply quota_exceeded_reject() { return r(550, "5.7.1", "[QUOTA] Sending quota exceeded"); }
Reply suppressed(std::string_view address) {
  return r(550, "5.1.1", cat("[SUPPRESSED] ", address));
}
Reply idempotency_key_reused() {
  return r(554, "5.5.0", "X-Idempotency-Key reused with different body");
}
Reply idempotency_key_too_long() { return r(554, "5.5.0", "Invalid X-Idempotency-Key (length)"); }
Reply idempotency_in_flight() { return r(451, "4.5.0", "Idempotency in flight; retry"); }
Reply invalid_scheduled_at() { return r(554, "5.6.0", "Invalid X-Scheduled-At"); }

}  // namespace postern::smtp::replies
