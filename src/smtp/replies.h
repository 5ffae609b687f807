// The catalogue of fixed SMTP replies: the contract of ../shared/spec/replies.md, byte for byte,
// plus the protocol replies of smtp::Server. Every reply after the greeting carries an RFC 3463
// enhanced code, except the EHLO list, the 334 challenges and the 354 (RFC 2034 §3).
// Pure functions returning values; thread-safe.
#pragma once
#include <string>
#include <string_view>

#include "smtp/reply.h"

namespace postern::smtp::replies {

// --- session ---
Reply greeting(std::string_view hostname);          // 220 <host> ESMTP Postern
Reply helo(std::string_view hostname);              // 250 <host>
Reply ehlo_syntax(std::string_view verb);           // 501 5.5.4 Syntax: EHLO hostname
Reply ok();                                         // 250 2.0.0 OK
Reply closing(std::string_view hostname);           // 221 2.0.0 <host> closing connection
Reply help();                                       // 214 2.0.0 ...
Reply cannot_vrfy();                                // 252 2.5.0 Cannot VRFY user
Reply not_implemented();                            // 502 5.5.1 Command not implemented
Reply unrecognized();                               // 500 5.5.1 Command unrecognized
Reply empty_command();                              // 500 5.5.2 Error: bad syntax
Reply syntax_error();                               // 501 5.5.4 Syntax error
Reply bad_sequence();                               // 503 5.5.1 Bad sequence of commands
Reply line_too_long();                              // 500 5.5.2 Line too long
Reply line_must_end_with_crlf();                    // 500 5.5.2 Line must end with CRLF
Reply too_many_errors(std::string_view hostname);   // 421 4.7.0 <host> Error: too many errors
Reply shutting_down(std::string_view hostname);     // 421 4.4.2 <host> closing connection
Reply starttls_ready();                             // 220 2.0.0 Ready to start TLS

// --- AUTH (RFC 4954) ---
Reply auth_challenge(std::string_view base64);      // 334 <base64> (may be empty)
Reply encryption_required();                        // 538 5.7.11 ...
Reply unrecognized_auth_type();                     // 504 5.5.4 Unrecognized authentication type
Reply auth_syntax();                                // 501 5.5.4 Syntax: AUTH mechanism ...
Reply cannot_decode();                              // 501 5.5.2 Cannot decode response
Reply auth_cancelled();                             // 501 5.7.0 Authentication cancelled
Reply already_authenticated();                      // 503 5.5.1 Already authenticated
Reply auth_succeeded();                             // 235 2.7.0 Authentication successful
Reply auth_failed();                                // 535 5.7.8 Authentication failed
Reply ip_not_authorized();                          // 535 5.7.1 IP not authorized
Reply auth_throttled();                             // 454 4.7.0 Temporary authentication failure...
Reply auth_required();                              // 530 5.7.0 Authentication required

// --- transaction ---
Reply mail_syntax();                                // 501 5.5.4 Syntax: MAIL FROM:<address>
Reply rcpt_syntax();                                // 501 5.5.4 Syntax: RCPT TO:<address>
Reply bad_address();                                // 501 5.1.3 Bad address syntax
Reply unsupported_parameter();                      // 555 5.5.4 Unsupported parameter
Reply message_too_large();                          // 552 5.3.4 Message size exceeds ...
Reply sender_ok();                                  // 250 2.1.0 OK
Reply recipient_ok();                               // 250 2.1.5 OK
Reply too_many_recipients();                        // 452 4.5.3 Too many recipients
Reply no_valid_recipients();                        // 554 5.5.1 No valid recipients
Reply start_data();                                 // 354 End data with <CR><LF>.<CR><LF>
Reply bare_line_ending_in_data();                   // 550 5.6.2 Bare LF/CR not allowed
Reply queued(std::string_view queue_id);            // 250 2.0.0 OK Message queued as <id>
Reply already_queued(std::string_view queue_id);    // 250 2.0.0 OK Message already queued as <id>
Reply local_problem();                              // 451 4.3.0 Temporary local problem, ...

// --- policy refusals (built by policy/inbound, listed here so the bytes live in one place) ---
Reply acl_blocked(std::string_view domain, std::string_view ref);
Reply lockdown_blocked(std::string_view domain, std::string_view ref);
Reply rate_limited();                               // 421 4.7.1 (then close)
Reply quota_exceeded_tempfail();                    // 452 4.7.1 [QUOTA] Sending quota exceeded
Reply quota_exceeded_reject();                      // 550 5.7.1 [QUOTA] Sending quota exceeded
Reply suppressed(std::string_view address);         // 550 5.1.1 [SUPPRESSED] <address>
Reply idempotency_key_reused();                     // 554 5.5.0
Reply idempotency_key_too_long();                   // 554 5.5.0
Reply idempotency_in_flight();                      // 451 4.5.0
Reply invalid_scheduled_at();                       // 554 5.6.0

}  // namespace postern::smtp::replies
