// Conversions between SQLite rows and storage records: the user SELECT list and its decoder,
// and the JSON text columns (allow_ips, hints). Internal to SqliteStore. Pure, thread-safe.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "storage/records.h"
#include "storage/sqlite/connection.h"

namespace postern::storage::sqlite {

// "SELECT <columns> FROM smtp_users u JOIN accounts a ..." — decode rows with user_from_row.
extern const char* const kSelectUser;
SmtpUser user_from_row(const Statement& row);  // domains are loaded separately
Account account_from_row(const Statement& row);  // id, name, status, suspend_reason, created_at

std::string to_json_array(const std::vector<std::string>& items);
// nullopt unless text is a JSON array of strings.
std::optional<std::vector<std::string>> from_json_array(const std::string& text);

}  // namespace postern::storage::sqlite
