#include "policy/address_list.h"

#include <algorithm>
#include <optional>

namespace postern::policy {
namespace {

enum class Kind { Atom, Quoted, Literal, Special };

struct Token {
  Kind kind;
  std::string text;  // Special: one character
  bool is(char c) const { return kind == Kind::Special && text.size() == 1 && text[0] == c; }
};

constexpr std::string_view kSpecials = "()<>[]:;@\\,.\"";

// Reads a delimited run starting at s[i] == open, honouring quoted-pairs; nested for comments.
// Returns the index after the closing delimiter, or nullopt when it never closes.
std::optional<std::size_t> skip_delimited(std::string_view s, std::size_t i, char open,
                                          char close, bool nests) {
  int depth = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\') {
      ++i;
      continue;
    }
    if (c == open && (nests || depth == 0)) {
      ++depth;
      continue;
    }
    if (c == close && --depth == 0) return i + 1;
  }
  return std::nullopt;
}

Result<std::vector<Token>> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
    } else if (c == '(') {
      auto end = skip_delimited(s, i, '(', ')', true);
      if (!end) return Error{"unterminated comment"};
      i = *end;
    } else if (c == '"') {
      std::size_t j = i + 1;
      while (j < s.size() && s[j] != '"') j += s[j] == '\\' ? 2 : 1;
      if (j >= s.size()) return Error{"unterminated quoted string"};
      out.push_back(Token{Kind::Quoted, std::string(s.substr(i, j + 1 - i))});
      i = j + 1;
    } else if (c == '[') {
      auto end = skip_delimited(s, i, '[', ']', false);
      if (!end) return Error{"unterminated domain literal"};
      out.push_back(Token{Kind::Literal, std::string(s.substr(i, *end - i))});
      i = *end;
    } else if (kSpecials.find(c) != std::string_view::npos) {
      if (c == ')' || c == ']' || c == '\\') return Error{std::string("stray '") + c + "'"};
      out.push_back(Token{Kind::Special, std::string(1, c)});
      ++i;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Error{"control character"};
    } else {
      std::size_t j = i;
      while (j < s.size() && kSpecials.find(s[j]) == std::string_view::npos && s[j] != ' ' &&
             s[j] != '\t' && static_cast<unsigned char>(s[j]) >= 0x20 && s[j] != 0x7f)
        ++j;
      out.push_back(Token{Kind::Atom, std::string(s.substr(i, j - i))});
      i = j;
    }
  }
  return out;
}

using Tokens = std::vector<Token>;

std::string lower_ascii(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// addr-spec = local-part "@" domain, as tokens (comments and WSP already gone).
Result<HeaderAddress> parse_addr_spec(const Tokens& t) {
  auto at = std::find_if(t.begin(), t.end(), [](const Token& x) { return x.is('@'); });
  if (at == t.end()) return Error{"address without '@'"};
  if (std::find_if(at + 1, t.end(), [](const Token& x) { return x.is('@'); }) != t.end())
    return Error{"address with more than one '@'"};
  HeaderAddress a;
  bool expect_word = true;  // dot-atom / obs-local-part: word *("." word)
  for (auto it = t.begin(); it != at; ++it) {
    if (expect_word != (it->kind == Kind::Atom || it->kind == Kind::Quoted))
      return Error{"malformed local part"};
    if (it->kind == Kind::Special && !it->is('.')) return Error{"malformed local part"};
    a.local += it->text;
    expect_word = !expect_word;
  }
  if (a.local.empty() || expect_word) return Error{"malformed local part"};
  if (at + 1 != t.end() && (at + 1)->kind == Kind::Literal) {
    if (at + 2 != t.end()) return Error{"malformed domain"};
    a.domain = (at + 1)->text;
    a.domain_literal = true;
    return a;
  }
  expect_word = true;
  for (auto it = at + 1; it != t.end(); ++it) {
    if (!expect_word && it->is('.') && it + 1 == t.end()) break;  // trailing root dot
    if (expect_word != (it->kind == Kind::Atom)) return Error{"malformed domain"};
    if (it->kind == Kind::Special && !it->is('.')) return Error{"malformed domain"};
    if (it->kind == Kind::Atom) a.domain += it->text;
    else a.domain += '.';
    expect_word = !expect_word;
  }
  if (a.domain.empty() || expect_word) return Error{"malformed domain"};
  a.domain = lower_ascii(a.domain);
  return a;
}

// One mailbox: name-addr (`[display-name] "<" [obs-route] addr-spec ">"`) or addr-spec.
Result<HeaderAddress> parse_mailbox(const Tokens& t) {
  auto open = std::find_if(t.begin(), t.end(), [](const Token& x) { return x.is('<'); });
  if (open == t.end()) return parse_addr_spec(t);
  for (auto it = t.begin(); it != open; ++it)  // the display name: words and obs-phrase dots
    if (it->kind == Kind::Special && !it->is('.') && !it->is('@'))
      return Error{"malformed display name"};
  auto close = std::find_if(open + 1, t.end(), [](const Token& x) { return x.is('>'); });
  if (close == t.end()) return Error{"'<' without '>'"};
  if (close + 1 != t.end()) return Error{"text after '>'"};
  Tokens inner(open + 1, close);
  if (std::any_of(inner.begin(), inner.end(), [](const Token& x) { return x.is('<'); }))
    return Error{"nested '<'"};
  // obs-route "@a,@b:" before the addr-spec (RFC 5322 §4.4): dropped.
  auto colon = std::find_if(inner.begin(), inner.end(), [](const Token& x) { return x.is(':'); });
  if (colon != inner.end()) {
    if (inner.front().is('@') == false) return Error{"malformed route"};
    inner.erase(inner.begin(), colon + 1);
  }
  return parse_addr_spec(inner);
}

}  // namespace

Result<std::vector<HeaderAddress>> parse_address_list(std::string_view value) {
  auto tokens = tokenize(value);
  if (!tokens) return tokens.error();
  std::vector<HeaderAddress> out;
  Tokens current;
  bool in_angle = false, in_group = false;
  auto finish = [&]() -> Status {
    if (current.empty()) return ok_status();  // obs-mbox-list allows empty elements
    auto a = parse_mailbox(current);
    current.clear();
    if (!a) return a.error();
    out.push_back(std::move(*a));
    return ok_status();
  };
  for (const Token& t : *tokens) {
    if (t.is('<')) in_angle = true;
    if (t.is('>')) in_angle = false;
    if (!in_angle && t.is(',')) {
      if (auto s = finish(); !s) return s.error();
    } else if (!in_angle && t.is(':')) {
      if (in_group) return Error{"nested group"};
      in_group = true;
      current.clear();  // the group's display name
    } else if (!in_angle && t.is(';')) {
      if (!in_group) return Error{"';' outside a group"};
      in_group = false;
      if (auto s = finish(); !s) return s.error();
    } else {
      current.push_back(t);
    }
  }
  if (in_angle) return Error{"'<' without '>'"};
  if (in_group) return Error{"unterminated group"};
  if (auto s = finish(); !s) return s.error();
  if (out.empty()) return Error{"no address"};
  return out;
}

}  // namespace postern::policy
