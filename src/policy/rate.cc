#include "policy/rate.h"

#include <charconv>
#include <chrono>

namespace postern::policy {

std::optional<Rate> parse_rate(std::string_view text) {
  std::size_t slash = text.find('/');
  if (slash == std::string_view::npos || slash + 2 != text.size()) return std::nullopt;
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + slash, n);
  if (ec != std::errc() || p != text.data() + slash || n < 1) return std::nullopt;
  switch (text.back()) {
    case 's': return Rate{n, 1000};
    case 'm': return Rate{n, 60 * 1000};
    case 'h': return Rate{n, 3600 * 1000};
    case 'd': return Rate{n, 86400 * 1000};
    default: return std::nullopt;
  }
}

Millis quota_period_start(std::string_view period, Millis now) {
  using namespace std::chrono;
  const sys_days day = floor<days>(sys_time<milliseconds>(milliseconds(now)));
  if (period == "day") return duration_cast<milliseconds>(day.time_since_epoch()).count();
  if (period == "month") {
    year_month_day ymd{day};
    sys_days first{ymd.year() / ymd.month() / 1};
    return duration_cast<milliseconds>(first.time_since_epoch()).count();
  }
  return 0;
}

}  // namespace postern::policy
