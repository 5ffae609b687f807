// events::Logger: structured log lines on stdout, one JSON object per line
// ({"time","level","event",...fields}). Plain lines only for `listening ...`, which scripts wait
// for (interface.md). Callers never pass secrets: fields are built from typed events.
// Thread-safe (one mutex around the write; lines never interleave).
#pragma once
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace postern::events {

class Logger {
 public:
  explicit Logger(std::FILE* out = stdout) : out_(out) {}
  void plain(std::string_view line);
  void log(std::string_view level, std::string_view event, nlohmann::json fields = {});
  void info(std::string_view event, nlohmann::json fields = {}) { log("info", event, std::move(fields)); }
  void warn(std::string_view event, nlohmann::json fields = {}) { log("warn", event, std::move(fields)); }
  void error(std::string_view event, nlohmann::json fields = {}) { log("error", event, std::move(fields)); }

 private:
  std::FILE* out_;
  std::mutex mu_;
};

// Printable ASCII only, at most max_len bytes: for client-supplied strings in logs.
std::string sanitize(std::string_view text, std::size_t max_len = 128);

}  // namespace postern::events
