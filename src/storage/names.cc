#include "storage/names.h"

namespace postern::storage {
namespace {

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_name_char(char c) { return is_alnum(c) || c == '.' || c == '_' || c == '-'; }

// The name as it may be echoed in an error: printable ASCII only, bounded.
std::string printable(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, 80)) {
    auto u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7f && c != '"' && c != '\\') ? c : '?';
  }
  if (name.size() > 80) out += "...";
  return out;
}

Status validate_name(std::string_view kind, std::string_view raw) {
  const std::string name = normalize_name(raw);
  auto fail = [&](std::string_view why) -> Status {
    std::string msg = "invalid " + std::string(kind) + " \"" + printable(raw) + "\": ";
    msg += why;
    std::string hint = suggest_name(raw);
    if (!hint.empty() && hint != name) msg += "; try \"" + hint + "\"";
    return Error{msg};
  };
  if (name.empty()) return fail("must not be empty");
  if (kind == "username" && name.find('@') != std::string::npos)
    return fail("SMTP usernames are literal names, not email addresses (no '@')");
  if (name.size() > kMaxNameLength) return fail("at most 64 characters");
  if (!is_alnum(name[0])) return fail("must start with a letter or a digit");
  for (char c : name)
    if (!is_name_char(c))
      return fail("only letters, digits, '.', '_' and '-' are allowed");
  return ok_status();
}

}  // namespace

Status validate_username(std::string_view name) { return validate_name("username", name); }

Status validate_account_name(std::string_view name) {
  return validate_name("account name", name);
}

std::string normalize_name(std::string_view name) {
  std::string out(name);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string suggest_name(std::string_view raw) {
  std::string out;
  for (char c : normalize_name(raw)) {
    char mapped = (is_alnum(c) || c == '_') ? c : '-';  // '@' and '.' become '-' as well
    if (mapped == '-' && (out.empty() || out.back() == '-')) continue;
    out += mapped;
  }
  while (!out.empty() && !is_alnum(out.front())) out.erase(out.begin());
  if (out.size() > kMaxNameLength) out.resize(kMaxNameLength);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

}  // namespace postern::storage
