#include "inbound/message_composer.h"

#include <strings.h>

namespace postern::inbound {
namespace {

bool header_named(std::string_view line, std::string_view name) {
  return line.size() > name.size() && line[name.size()] == ':' &&
         ::strncasecmp(line.data(), name.data(), name.size()) == 0;
}

// Keeps only characters that cannot break a header out of its field.
std::string header_safe(std::string_view text) {
  std::string out;
  for (unsigned char c : text.substr(0, 255))
    out += (c > 0x20 && c < 0x7f && c != '(' && c != ')') ? static_cast<char>(c) : '_';
  return out;
}

}  // namespace

std::string strip_header(std::string_view message, std::string_view name) {
  std::string out;
  out.reserve(message.size());
  std::size_t pos = 0;
  bool in_headers = true, dropping = false;
  while (pos < message.size()) {
    std::size_t eol = message.find("\r\n", pos);
    std::size_t next = eol == std::string_view::npos ? message.size() : eol + 2;
    std::string_view line = message.substr(pos, next - pos);
    if (!in_headers) {
      out.append(message.substr(pos));
      break;
    }
    if (line == "\r\n" || line.empty()) {
      in_headers = false;
      out.append(line);
    } else if (line[0] == ' ' || line[0] == '\t') {
      if (!dropping) out.append(line);
    } else {
      dropping = header_named(line, name);
      if (!dropping) out.append(line);
    }
    pos = next;
  }
  return out;
}

std::string compose_message(const TraceInfo& t, std::string_view client_message) {
  std::string protocol = "ESMTP";
  if (!t.tls_version.empty()) protocol += "S";
  if (t.authenticated) protocol += "A";
  std::string out;
  out.reserve(client_message.size() + 512);
  out += "Received: from " + header_safe(t.helo) + " ([" + t.client_ip + "])\r\n";
  out += "\tby " + t.hostname + " (Postern) with " + protocol + " id " + t.queue_id;
  if (!t.tls_version.empty())
    out += "\r\n\t(using " + t.tls_version + " with cipher " + header_safe(t.tls_cipher) + ")";
  if (!t.single_recipient.empty()) out += "\r\n\tfor <" + header_safe(t.single_recipient) + ">";
  out += ";\r\n\t" + format_rfc5322(t.when) + "\r\n";
  if (!t.user_uuid.empty()) out += "X-Postern-User: " + t.user_uuid + "\r\n";
  out += strip_header(client_message, "X-Postern-User");
  return out;
}

}  // namespace postern::inbound
