#include "dkim/from_domain.h"

#include <vector>

#include "storage/domain_store.h"

namespace postern::dkim {
namespace {

// The value with comments removed and each quoted string replaced by `"q"`, so that '@', '<',
// ',' and ':' inside them no longer count; nullopt when a quote or comment is unterminated.
std::optional<std::string> strip_comments_and_quotes(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (c == '\\' && (quoted || depth > 0)) {
      ++i;  // quoted-pair: the next character is literal
      continue;
    }
    if (quoted) {
      if (c == '"') {
        quoted = false;
        out += "q\"";
      }
      continue;
    }
    if (depth > 0) {
      if (c == '(') ++depth;
      if (c == ')') --depth;
      continue;
    }
    if (c == '(') {
      ++depth;
      out.push_back(' ');
    } else if (c == '"') {
      quoted = true;
      out.push_back('"');
    } else {
      out.push_back(c);
    }
  }
  if (quoted || depth != 0) return std::nullopt;
  return out;
}

std::string_view trim(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

// The domain of one mailbox ("Name <a@b>" or "a@b"), or nullopt.
std::optional<std::string> mailbox_domain(std::string_view mailbox) {
  std::string_view addr = trim(mailbox);
  if (auto lt = addr.find('<'); lt != std::string_view::npos) {
    auto gt = addr.find('>', lt);
    if (gt == std::string_view::npos) return std::nullopt;
    addr = trim(addr.substr(lt + 1, gt - lt - 1));
  }
  auto at = addr.rfind('@');
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  std::string domain;
  for (char c : addr.substr(at + 1))
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') domain.push_back(c);  // CFWS
  if (domain.empty() || domain.front() == '[') return std::nullopt;  // domain literal
  auto name = storage::normalize_domain_name(domain);
  if (!name) return std::nullopt;
  return name.value();
}

}  // namespace

std::optional<std::string> from_domain(std::string_view from_value) {
  auto cleaned = strip_comments_and_quotes(from_value);
  if (!cleaned) return std::nullopt;
  // Split into mailboxes at top-level commas; a group's "display-name:" and ';' are dropped.
  std::vector<std::string_view> mailboxes;
  std::string_view text = *cleaned;
  std::size_t start = 0;
  bool in_angle = false;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    char c = i < text.size() ? text[i] : ',';
    if (c == '<') in_angle = true;
    if (c == '>') in_angle = false;
    if (in_angle) continue;
    if (c == ':' ) start = i + 1;  // group display name (outside angle brackets)
    if (c == ',' || c == ';') {
      std::string_view m = trim(text.substr(start, i - start));
      if (!m.empty()) mailboxes.push_back(m);
      start = i + 1;
    }
  }
  std::optional<std::string> domain;
  for (std::string_view m : mailboxes) {
    auto d = mailbox_domain(m);
    if (!d || (domain && *domain != *d)) return std::nullopt;
    domain = std::move(d);
  }
  return domain;
}

std::optional<std::string> from_domain(const ParsedMessage& message) {
  auto value = single_field(message, "From");
  if (!value) return std::nullopt;
  return from_domain(*value);
}

}  // namespace postern::dkim
