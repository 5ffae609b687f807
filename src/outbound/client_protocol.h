// outbound client protocol pieces that need no socket: EHLO capabilities, the MAIL/RCPT
// commands, dot-stuffing of the message (RFC 5321 §4.5.2), AUTH PLAIN (RFC 4616) and the
// mapping of a reply to a delivery Outcome. Pure functions, thread-safe.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "outbound/deliverer.h"
#include "smtp/reply.h"

namespace postern::outbound {

struct Capabilities {
  bool esmtp = false;  // answered EHLO (not HELO)
  bool starttls = false;
  bool pipelining = false;
  bool smtputf8 = false;
  bool eightbitmime = false;
  bool auth_plain = false;
  std::uint64_t size = 0;  // SIZE limit, 0 = none announced
};

Capabilities parse_ehlo(const smtp::Reply& reply);  // the 250 reply to EHLO

// The message bytes ready to send after 354: every bare CR and bare LF becomes CRLF, every
// line starting with '.' gets another '.', a missing final CRLF is added, and ".\r\n" ends it.
// So the result has exactly one end of data, whatever the message holds (no smuggling).
std::string dot_stuff(std::string_view message);

std::string mail_from_command(const std::string& sender, const Capabilities& caps,
                              bool smtputf8, bool body_8bitmime, std::uint64_t size);
std::string rcpt_to_command(const std::string& recipient);
// "AUTH PLAIN <base64(\0user\0password)>\r\n" — the result holds the secret.
std::string auth_plain_command(const std::string& user, const std::string& password);

// 2xx/3xx -> Delivered (accepted so far), 4xx -> Transient, 5xx -> Permanent.
Outcome outcome_of(const smtp::Reply& reply);

}  // namespace postern::outbound
