#include "smtp/reply.h"

namespace postern::smtp {
namespace {

// One reply line. CR and LF inside a text (a policy message quoting client input, say) are
// replaced by spaces so that a reply can never be split into two (RFC 5321 §4.2).
void append_line(std::string& out, int code, char separator, const std::string& enhanced,
                 const std::string& text) {
  out += std::to_string(code);
  out += separator;
  if (!enhanced.empty()) {
    out += enhanced;
    if (!text.empty()) out += ' ';
  }
  for (char c : text) out += (c == '\r' || c == '\n') ? ' ' : c;
}

}  // namespace

std::string Reply::wire() const {
  if (code == 0) return {};  // "nothing to send" (see smtp/server.h)
  std::string out;
  if (lines.empty()) {
    append_line(out, code, ' ', enhanced, {});
    return out += "\r\n";
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    append_line(out, code, i + 1 == lines.size() ? ' ' : '-', enhanced, lines[i]);
    out += "\r\n";
  }
  return out;
}

std::string Reply::first_line() const {
  if (code == 0) return {};
  std::string out;
  append_line(out, code, lines.size() > 1 ? '-' : ' ', enhanced, lines.empty() ? "" : lines[0]);
  return out;
}

}  // namespace postern::smtp
