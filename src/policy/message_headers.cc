#include "policy/message_headers.h"

#include <algorithm>

namespace postern::policy {
namespace {

bool is_wsp(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_wsp(s.front()) || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (is_wsp(s.back()) || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// One physical line [begin, end) with its terminator; `next` is where the following starts.
struct Line {
  std::size_t begin, end, next;
};

// The lines of the header section, up to (not including) the empty line that ends it.
std::vector<Line> header_lines(std::string_view m) {
  std::vector<Line> lines;
  std::size_t pos = 0;
  while (pos < m.size()) {
    std::size_t lf = m.find('\n', pos);
    std::size_t next = lf == std::string_view::npos ? m.size() : lf + 1;
    std::size_t end = lf == std::string_view::npos ? m.size() : lf;
    if (end > pos && m[end - 1] == '\r') --end;
    if (end == pos) break;  // the empty line: the body follows
    lines.push_back(Line{pos, end, next});
    pos = next;
  }
  return lines;
}

// Groups physical lines into fields: a line starting with WSP continues the previous one.
struct RawField {
  std::size_t first, last;  // indices into the lines
};

std::vector<RawField> group(std::string_view m, const std::vector<Line>& lines) {
  std::vector<RawField> fields;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    bool continuation = is_wsp(m[lines[i].begin]);
    if (continuation && !fields.empty())
      fields.back().last = i;
    else
      fields.push_back(RawField{i, i});
  }
  return fields;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

std::vector<HeaderField> parse_header_fields(std::string_view m) {
  std::vector<Line> lines = header_lines(m);
  std::vector<HeaderField> out;
  for (const RawField& f : group(m, lines)) {
    std::string_view first = m.substr(lines[f.first].begin, lines[f.first].end - lines[f.first].begin);
    std::size_t colon = first.find(':');
    if (colon == std::string_view::npos || is_wsp(first.front())) continue;  // malformed: skip
    HeaderField field;
    field.name = std::string(trim(first.substr(0, colon)));  // obs-syntax allows WSP before ':'
    if (field.name.empty()) continue;
    std::string value(first.substr(colon + 1));
    for (std::size_t i = f.first + 1; i <= f.last; ++i)
      value.append(m.substr(lines[i].begin, lines[i].end - lines[i].begin));  // unfold
    field.value = std::string(trim(value));
    out.push_back(std::move(field));
  }
  return out;
}

std::vector<std::string> header_values(const std::vector<HeaderField>& fields,
                                       std::string_view name) {
  std::vector<std::string> out;
  for (const auto& f : fields)
    if (iequals(f.name, name)) out.push_back(f.value);
  return out;
}

std::string_view message_body(std::string_view m) {
  std::vector<Line> lines = header_lines(m);
  std::size_t pos = lines.empty() ? 0 : lines.back().next;
  if (pos >= m.size()) return {};
  std::size_t lf = m.find('\n', pos);  // skip the empty line itself
  return lf == std::string_view::npos ? std::string_view() : m.substr(lf + 1);
}

int strip_header_fields(std::string& message, const std::vector<std::string_view>& names) {
  std::string_view m(message);
  std::vector<Line> lines = header_lines(m);
  std::vector<std::pair<std::size_t, std::size_t>> cuts;  // [begin, next) byte ranges
  for (const RawField& f : group(m, lines)) {
    std::string_view first = m.substr(lines[f.first].begin, lines[f.first].end - lines[f.first].begin);
    std::size_t colon = first.find(':');
    if (colon == std::string_view::npos || is_wsp(first.front())) continue;
    std::string_view name = trim(first.substr(0, colon));
    if (std::any_of(names.begin(), names.end(), [&](std::string_view n) { return iequals(n, name); }))
      cuts.emplace_back(lines[f.first].begin, lines[f.last].next);
  }
  for (auto it = cuts.rbegin(); it != cuts.rend(); ++it)
    message.erase(it->first, it->second - it->first);
  return static_cast<int>(cuts.size());
}

}  // namespace postern::policy
