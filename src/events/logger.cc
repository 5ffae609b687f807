#include "events/logger.h"

#include "base/time.h"

namespace postern::events {

void Logger::plain(std::string_view line) {
  std::lock_guard lock(mu_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fputc('\n', out_);
  std::fflush(out_);
}

void Logger::log(std::string_view level, std::string_view event, nlohmann::json fields) {
  nlohmann::json line = {{"time", format_iso8601(now_ms())}, {"level", level}, {"event", event}};
  if (fields.is_object())
    for (auto& [k, v] : fields.items()) line[k] = v;
  plain(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string sanitize(std::string_view text, std::size_t max_len) {
  std::string out;
  out.reserve(std::min(text.size(), max_len));
  for (unsigned char c : text) {
    if (out.size() >= max_len) break;
    if (c >= 0x20 && c < 0x7f) out += static_cast<char>(c);
    else out += '?';
  }
  return out;
}

}  // namespace postern::events
