// Wall-clock helpers and durations as operators write them ("30s", "10m", "24h", "5d").
// The Clock interface lets tests control time. Thread-safe.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace postern {

using Millis = std::int64_t;  // milliseconds since the Unix epoch

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Millis now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  Millis now_ms() const override;
};

Millis now_ms();
// "2026-11-27T19:02:11.123Z"
std::string format_iso8601(Millis t);
// RFC 5322 date for headers: "Fri, 27 Nov 2026 19:02:11 +0000"
std::string format_rfc5322(Millis t);
// "90", "30s", "10m", "24h", "5d" -> seconds; nullopt on anything else.
std::optional<std::int64_t> parse_duration_seconds(std::string_view text);

}  // namespace postern
