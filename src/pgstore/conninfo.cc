#include "pgstore/conninfo.h"

#include <libpq-fe.h>

namespace postern::pgstore {

Result<ConnInfo> ConnInfo::parse(const std::string& url) {
  if (!url.starts_with("postgresql://") && !url.starts_with("postgres://"))
    return Error{"a PostgreSQL store URL starts with postgresql://"};
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &err);
  if (options == nullptr) {
    // libpq's message may quote the URL, password included: give our own words.
    if (err) PQfreemem(err);
    return Error{"invalid PostgreSQL URL (expected postgresql://[user[:password]@]host[:port]"
                 "/dbname[?param=value&...])"};
  }
  ConnInfo info;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || o->val[0] == '\0') continue;
    if (std::string_view(o->keyword) == "password") info.password_ = o->val;
    info.settings_.push_back({o->keyword, o->val});
  }
  PQconninfoFree(options);
  return info;
}

std::optional<std::string> ConnInfo::get(std::string_view keyword) const {
  for (const Setting& s : settings_)
    if (s.keyword == keyword) return s.value;
  return std::nullopt;
}

std::string ConnInfo::redact(std::string text) const {
  if (password_.empty()) return text;
  for (auto at = text.find(password_); at != std::string::npos;
       at = text.find(password_, at + 3))
    text.replace(at, password_.size(), "***");
  return text;
}

std::string ConnInfo::describe() const {
  std::string out;
  if (auto user = get("user")) out += *user + "@";
  out += get("host").value_or(get("hostaddr").value_or("localhost"));
  if (auto port = get("port")) out += ":" + *port;
  if (auto db = get("dbname")) out += "/" + *db;
  return redact(out);
}

}  // namespace postern::pgstore
