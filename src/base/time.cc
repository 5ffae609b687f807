#include "base/time.h"

#include <charconv>
#include <ctime>

namespace postern {

Millis SystemClock::now_ms() const { return postern::now_ms(); }

Millis now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string format_iso8601(Millis t) {
  std::time_t secs = static_cast<std::time_t>(t / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(t % 1000));
  return buf;
}

std::string format_rfc5322(Millis t) {
  std::time_t secs = static_cast<std::time_t>(t / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

std::optional<std::int64_t> parse_duration_seconds(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t mult = 1;
  switch (text.back()) {
    case 's': mult = 1; text.remove_suffix(1); break;
    case 'm': mult = 60; text.remove_suffix(1); break;
    case 'h': mult = 3600; text.remove_suffix(1); break;
    case 'd': mult = 86400; text.remove_suffix(1); break;
    default: break;
  }
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size() || text.empty() || n < 0) return std::nullopt;
  if (n > (std::int64_t{1} << 40)) return std::nullopt;
  return n * mult;
}

}  // namespace postern
