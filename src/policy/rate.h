// Limits as operators write them: rates "N/s|m|h|d" (user and account rate limits) and the
// quota periods "day" | "month" | "total" (calendar periods in UTC). Pure; thread-safe.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/time.h"

namespace postern::policy {

struct Rate {
  std::int64_t count = 0;
  Millis window = 0;
};

// "100/m" -> {100, 60000}; nullopt for "" and anything malformed.
std::optional<Rate> parse_rate(std::string_view text);

// The start of the quota period containing `now`: 00:00 UTC of the day, of the first of the
// month, or 0 for "total" (and for an unknown period, which the Store never holds).
Millis quota_period_start(std::string_view period, Millis now);

}  // namespace postern::policy
