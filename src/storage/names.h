// Names of accounts and SMTP users: [a-z0-9][a-z0-9._-]{0,63}, compared case-insensitively,
// stored lower-case, never an email address (no '@'). Pure functions shared by the Store, the
// CLI and the HTTP API so that every entry point refuses the same names with the same words.
#pragma once
#include <string>
#include <string_view>

#include "base/result.h"

namespace postern::storage {

inline constexpr std::size_t kMaxNameLength = 64;

// Ok, or an Error for the operator, e.g. for "a@b.com": invalid username "a@b.com": SMTP
// usernames are literal names, not email addresses (no '@'); try "a-b-com".
Status validate_username(std::string_view name);
Status validate_account_name(std::string_view name);
// ASCII lower-case (names are ASCII once valid; other bytes pass through unchanged).
std::string normalize_name(std::string_view name);
// A valid name close to `name` ("Crm@Example.com" -> "crm-example-com"); "" if none.
std::string suggest_name(std::string_view name);

}  // namespace postern::storage
