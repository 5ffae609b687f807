#include "queue/bounce.h"

#include <cctype>

#include "base/encoding.h"
#include "base/random.h"

namespace postern::queue {
namespace {

std::string header_section(std::string_view message) {
  auto end = message.find("\r\n\r\n");
  std::string_view headers = end == std::string_view::npos ? message : message.substr(0, end + 2);
  if (headers.size() > 64 * 1024) headers = headers.substr(0, 64 * 1024);
  return std::string(headers);
}

bool is_code(std::string_view s) {
  // class "." subject "." detail: [245].[0-9]{1,3}.[0-9]{1,3}
  if (s.size() < 5 || (s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.') return false;
  std::size_t dot = s.find('.', 2);
  if (dot == std::string_view::npos || dot == 2 || dot > 5 || dot + 1 >= s.size()) return false;
  for (std::size_t i = 2; i < dot; ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  for (std::size_t i = dot + 1; i < s.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return s.size() - dot - 1 <= 3;
}

std::string one_line(std::string_view s) {
  std::string out;
  for (unsigned char c : s.substr(0, 900)) out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : ' ';
  return out;
}

}  // namespace

std::string status_from_reply(std::string_view reply, bool expired) {
  // "550 5.1.1 text" or "5.1.1 text"
  std::string_view rest = reply;
  if (rest.size() > 4 && std::isdigit(static_cast<unsigned char>(rest[0])) && rest[3] == ' ')
    rest.remove_prefix(4);
  std::string_view word = rest.substr(0, rest.find(' '));
  if (is_code(word)) return std::string(word);
  if (expired) return "4.4.7";  // RFC 3463: delivery time expired
  return !reply.empty() && reply[0] == '4' ? "4.0.0" : "5.0.0";
}

std::string compose_bounce(const BounceInput& in) {
  const std::string boundary = "postern-" + hex_encode(random_bytes(8));
  const std::string date = format_rfc5322(in.now);
  std::string m;
  m += "From: Mail Delivery System <MAILER-DAEMON@" + in.hostname + ">\r\n";
  m += "To: <" + one_line(in.original_sender) + ">\r\n";
  m += "Subject: Undelivered Mail Returned to Sender\r\n";
  m += "Date: " + date + "\r\n";
  m += "Message-ID: <" + in.queue_id + "." + hex_encode(random_bytes(4)) + "@" + in.hostname + ">\r\n";
  m += "Auto-Submitted: auto-replied\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"" + boundary + "\"\r\n";
  m += "\r\n";
  m += "This is a MIME-encapsulated message.\r\n\r\n";
  m += "--" + boundary + "\r\n";
  m += "Content-Type: text/plain; charset=us-ascii\r\n\r\n";
  m += "This is the mail system at host " + in.hostname + ".\r\n\r\n";
  m += "Your message (queue id " + in.queue_id + ") could not be delivered to one or more\r\n";
  m += "recipients. The details are below.\r\n\r\n";
  for (const auto& r : in.recipients) {
    m += "<" + one_line(r.recipient) + ">: ";
    m += r.expired ? "delivery kept failing until the message expired from the queue; last error: "
                   : "";
    m += one_line(r.diagnostic) + "\r\n";
  }
  m += "\r\n--" + boundary + "\r\n";
  m += "Content-Type: message/delivery-status\r\n\r\n";
  m += "Reporting-MTA: dns; " + in.hostname + "\r\n";
  m += "X-Postern-Queue-ID: " + in.queue_id + "\r\n";
  m += "Arrival-Date: " + format_rfc5322(in.arrival) + "\r\n";
  for (const auto& r : in.recipients) {
    m += "\r\n";
    m += "Final-Recipient: rfc822; " + one_line(r.recipient) + "\r\n";
    m += "Action: failed\r\n";
    m += "Status: " + (r.status.empty() ? std::string(r.expired ? "4.4.7" : "5.0.0") : r.status) + "\r\n";
    if (!r.remote_mta.empty()) m += "Remote-MTA: dns; " + one_line(r.remote_mta) + "\r\n";
    if (!r.diagnostic.empty()) m += "Diagnostic-Code: smtp; " + one_line(r.diagnostic) + "\r\n";
    m += "Last-Attempt-Date: " + date + "\r\n";
  }
  m += "\r\n--" + boundary + "\r\n";
  m += "Content-Type: text/rfc822-headers\r\n\r\n";
  m += header_section(in.original_message);
  m += "\r\n--" + boundary + "--\r\n";
  return m;
}

}  // namespace postern::queue
