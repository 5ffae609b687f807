#include "cli/user_view.h"

#include <algorithm>
#include <ostream>
#include <string>

#include "cli/text_table.h"

namespace postern::cli {

namespace {

std::string join(const std::vector<std::string>& items, const char* empty) {
  if (items.empty()) return empty;
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

std::string time_or(Millis t, const char* never) { return t ? format_iso8601(t) : never; }

std::string quota_text(const storage::SmtpUser& u) {
  if (u.quota == 0) return "unlimited";
  return std::to_string(u.quota) + "/" + u.quota_period + " (" + u.quota_action + ")";
}

}  // namespace

void print_user(std::ostream& out, const storage::SmtpUser& u) {
  const std::pair<const char*, std::string> lines[] = {
      {"username", u.username},
      {"uuid", u.uuid},
      {"account", u.account_name + " (" + storage::to_string(u.account_status) + ")"},
      {"status", storage::to_string(u.status)},
      {"allow_ips", join(u.allow_ips, "any source")},
      {"allow_ip_mode", u.allow_ip_mode},
      {"mode", u.mode},
      {"domains", join(u.domains, "-")},
      {"quota", quota_text(u)},
      {"rate", u.rate.empty() ? "none" : u.rate},
      {"previous_password_until",
       u.previous_password_hash.empty() ? "-" : time_or(u.previous_password_until, "-")},
      {"created_at", time_or(u.created_at, "-")},
      {"updated_at", time_or(u.updated_at, "-")},
      {"last_login_at", time_or(u.last_login_at, "never")},
      {"version", std::to_string(u.version)},
  };
  for (const auto& [key, value] : lines) {
    std::string label = std::string(key) + ":";
    label.resize(std::max<std::size_t>(label.size() + 1, 25), ' ');
    out << label << value << '\n';
  }
}

void print_user_table(std::ostream& out, const std::vector<storage::SmtpUser>& users) {
  TextTable table(
      {"USERNAME", "ACCOUNT", "STATUS", "MODE", "ALLOW_IPS", "QUOTA", "RATE", "LAST_LOGIN"});
  for (const auto& u : users)
    table.add_row({u.username, u.account_name, storage::to_string(u.status), u.mode,
                   join(u.allow_ips, "any"), quota_text(u), u.rate.empty() ? "-" : u.rate,
                   time_or(u.last_login_at, "never")});
  table.print(out);
}

}  // namespace postern::cli
