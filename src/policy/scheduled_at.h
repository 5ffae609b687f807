// The X-Scheduled-At header value (F22): an RFC 5322 date-time ("Fri, 27 Nov 2026 19:02:11
// +0000", RFC 5322 §3.3, obsolete zones UT/GMT/EST.. accepted) or ISO 8601 / RFC 3339
// ("2026-11-27T19:02:11Z", "2026-11-27T20:02:11.5+01:00"). A zone is required: a local time
// without one is ambiguous and refused. Pure functions; thread-safe.
#pragma once
#include <optional>
#include <string_view>

#include "base/time.h"

namespace postern::policy {

std::optional<Millis> parse_scheduled_at(std::string_view text);

}  // namespace postern::policy
