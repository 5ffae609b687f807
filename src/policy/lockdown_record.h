// Domain Lockdown records (F23): a TXT record at `_postern.<domain>` naming the only SMTP
// users allowed to send with that domain in the header From:
//   record = "v=pl1" *(1*WSP tag) *WSP          ; "v=pl1" case-insensitive, first
//   tag    = "auth=" id *("," id) / name "=" value   ; other tags are reserved and ignored
//   id     = a user's UUID or username (case-insensitive)
// Several auth= tags, and several v=pl1 records at the name, add up. A v=pl1 record that lists
// nobody allows nobody. Pure functions; thread-safe.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postern::policy {

// The ids of one TXT string (lower-cased), or nullopt when it is not a v=pl1 record.
std::optional<std::vector<std::string>> parse_lockdown_record(std::string_view txt);

}  // namespace postern::policy
