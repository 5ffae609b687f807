#include "cli/json_output.h"

namespace postern::cli {

using nlohmann::json;

json time_or_null(Millis t) { return t == 0 ? json(nullptr) : json(format_iso8601(t)); }

json account_to_json(const storage::Account& a) {
  return {
      {"name", a.name},
      {"status", storage::to_string(a.status)},
      {"suspend_reason", a.suspend_reason.empty() ? json(nullptr) : json(a.suspend_reason)},
      {"created_at", time_or_null(a.created_at)},
  };
}

json user_to_json(const storage::SmtpUser& u) {
  // Built field by field on purpose: password_hash and previous_password_hash are left out.
  return {
      {"username", u.username},
      {"uuid", u.uuid},
      {"account", u.account_name},
      {"account_status", storage::to_string(u.account_status)},
      {"status", storage::to_string(u.status)},
      {"allow_ips", u.allow_ips},
      {"allow_ip_mode", u.allow_ip_mode},
      {"mode", u.mode},
      {"domains", u.domains},
      {"quota", u.quota},
      {"quota_period", u.quota_period},
      {"quota_action", u.quota_action},
      {"rate", u.rate.empty() ? json(nullptr) : json(u.rate)},
      {"previous_password_until", time_or_null(u.previous_password_hash.empty()
                                                    ? 0
                                                    : u.previous_password_until)},
      {"created_at", time_or_null(u.created_at)},
      {"updated_at", time_or_null(u.updated_at)},
      {"last_login_at", time_or_null(u.last_login_at)},
      {"version", u.version},
  };
}

void add_quota_usage(json& doc, const storage::SmtpUser& user, std::int64_t used,
                     Millis period_start) {
  doc["quota_used"] = used;
  doc["quota_period_start"] = user.quota_period == "total" ? json(nullptr)
                                                           : time_or_null(period_start);
}

}  // namespace postern::cli
