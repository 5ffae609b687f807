// inbound::compose_message builds the bytes Postern stores for an accepted message: its own
// Received: trace header (RFC 5321 §4.4, with ESMTPSA per RFC 3848) and X-Postern-User, then
// the client's message with any X-Postern-User header it sent removed (no forging).
// Pure function.
#pragma once
#include <string>
#include <string_view>

#include "base/time.h"

namespace postern::inbound {

struct TraceInfo {
  std::string helo;
  std::string client_ip;
  std::string hostname;
  std::string queue_id;
  std::string tls_version;  // "" when the session had no TLS
  std::string tls_cipher;
  bool authenticated = true;
  std::string single_recipient;  // the "for" clause, only when exactly one recipient
  std::string user_uuid;
  Millis when = 0;
};

std::string compose_message(const TraceInfo& trace, std::string_view client_message);
// Removes every header field named `name` (case-insensitive, with folded continuation lines)
// from the header section; the body is untouched.
std::string strip_header(std::string_view message, std::string_view name);

}  // namespace postern::inbound
