#include "dkim/message.h"

namespace postern::dkim {
namespace {

bool is_wsp(char c) { return c == ' ' || c == '\t'; }

// The line starting at pos: [pos, end) without its line end; next = start of the next line.
std::string_view line_at(std::string_view text, std::size_t pos, std::size_t& next) {
  std::size_t lf = text.find('\n', pos);
  if (lf == std::string_view::npos) {
    next = text.size();
    return text.substr(pos);
  }
  next = lf + 1;
  std::size_t end = (lf > pos && text[lf - 1] == '\r') ? lf - 1 : lf;
  return text.substr(pos, end - pos);
}

}  // namespace

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

ParsedMessage parse_message(std::string_view message) {
  ParsedMessage m;
  std::size_t pos = 0;
  while (pos < message.size()) {
    std::size_t next = 0;
    std::string_view line = line_at(message, pos, next);
    if (line.empty()) {  // the empty line that ends the header section
      m.body = message.substr(next);
      return m;
    }
    // A field: the first line plus its continuation lines (starting with WSP).
    std::size_t field_end = pos + line.size();
    while (next < message.size() && is_wsp(message[next])) {
      std::size_t after = 0;
      std::string_view cont = line_at(message, next, after);
      field_end = next + cont.size();
      next = after;
    }
    std::string_view field = message.substr(pos, field_end - pos);
    std::size_t colon = field.find(':');
    if (colon != std::string_view::npos && colon > 0 && !is_wsp(field[0])) {
      std::string_view name = field.substr(0, colon);
      while (!name.empty() && is_wsp(name.back())) name.remove_suffix(1);
      m.headers.push_back({name, field.substr(colon + 1)});
    }
    pos = next;
  }
  return m;  // no empty line: headers only, empty body
}

std::optional<std::string_view> single_field(const ParsedMessage& m, std::string_view name) {
  std::optional<std::string_view> found;
  for (const HeaderField& f : m.headers) {
    if (!same_name(f.name, name)) continue;
    if (found) return std::nullopt;
    found = f.value;
  }
  return found;
}

}  // namespace postern::dkim
