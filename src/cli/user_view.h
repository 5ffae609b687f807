// Human and JSON rendering of SMTP users for `user show` and `user list`.
// Never prints a password hash. Pure formatting onto the given stream.
#pragma once
#include <iosfwd>
#include <vector>

#include "storage/records.h"

namespace postern::cli {

// "key: value" lines, keys named as the JSON fields.
void print_user(std::ostream& out, const storage::SmtpUser& user);
// One table row per user.
void print_user_table(std::ostream& out, const std::vector<storage::SmtpUser>& users);

}  // namespace postern::cli
