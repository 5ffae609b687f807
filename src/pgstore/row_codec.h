// Conversions between PostgreSQL rows and storage records: the user and account SELECT lists
// and their decoders, and the JSON text columns (allow_ips, hints, events). Internal to
// PgStore. Pure, thread-safe.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "pgstore/connection.h"
#include "storage/records.h"

namespace postern::pgstore {

// "SELECT <columns> FROM smtp_users u JOIN accounts a ..." with the user's domains as a JSON
// array in the last column: decode rows with user_from_row.
extern const char* const kSelectUser;
storage::SmtpUser user_from_row(const PgResult& res, int row);

extern const char* const kSelectAccount;  // "SELECT id, name, status, ... FROM accounts"
storage::Account account_from_row(const PgResult& res, int row);

std::string to_json_array(const std::vector<std::string>& items);
// nullopt unless text is a JSON array of strings.
std::optional<std::vector<std::string>> from_json_array(const std::string& text);

}  // namespace postern::pgstore
