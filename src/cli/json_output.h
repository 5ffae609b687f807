// JSON shapes of accounts, SMTP users and auth events, shared by `--json` and the HTTP API.
// Invariant: no password hash (current or previous) ever appears in any of these documents.
// Timestamps are ISO-8601 with milliseconds, or null when unset (0). Pure functions.
#pragma once
#include <nlohmann/json.hpp>

#include "base/time.h"
#include "storage/records.h"

namespace postern::cli {

// format_iso8601(t), or null when t == 0 (never happened).
nlohmann::json time_or_null(Millis t);

nlohmann::json account_to_json(const storage::Account& account);
nlohmann::json user_to_json(const storage::SmtpUser& user);
// Adds "quota_used" and "quota_period_start" (null for the "total" period) to a user document:
// the usage of the current period (F10), counted even when the quota is unlimited.
void add_quota_usage(nlohmann::json& user_doc, const storage::SmtpUser& user,
                     std::int64_t used, Millis period_start);
// Auth events: events::auth_event_json (one shape for the server log, the CLI and the API).

}  // namespace postern::cli
