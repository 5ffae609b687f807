// Fuzzes the pure request-target and cookie parsing of http/message.h with client bytes.
// Invariants: an accepted target has a path starting with '/', without NUL or a ".." segment,
// and NUL-free query keys and values; percent_decode never grows its input and round-trips
// through percent-encoding; a cookie value never holds ';' and is part of the header.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "http/message.h"

namespace {

std::string percent_encode_all(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    out += '%';
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

void check_target(std::string_view in) {
  std::string path;
  std::map<std::string, std::string> query;
  if (!postern::http::parse_target(in, path, query)) return;
  if (path.empty() || path.front() != '/') std::abort();
  if (path.find('\0') != std::string::npos) std::abort();
  if (path == "/.." || path.find("/../") != std::string::npos ||
      (path.size() >= 3 && path.compare(path.size() - 3, 3, "/..") == 0))
    std::abort();
  for (const auto& [k, v] : query)
    if (k.find('\0') != std::string::npos || v.find('\0') != std::string::npos) std::abort();
}

void check_decode(std::string_view in) {
  for (bool plus : {false, true}) {
    bool ok = false;
    std::string out = postern::http::percent_decode(in, plus, ok);
    if (!ok) {
      if (!out.empty()) std::abort();
      continue;
    }
    if (out.size() > in.size()) std::abort();
    bool again = false;
    if (postern::http::percent_decode(percent_encode_all(out), plus, again) != out || !again)
      std::abort();
  }
}

void check_cookie(std::string_view in) {
  // First line: the cookie name; the rest: the Cookie header.
  std::size_t nl = in.find('\n');
  if (nl == std::string_view::npos) return;
  postern::http::Request request;
  request.headers["cookie"] = std::string(in.substr(nl + 1));
  auto value = request.cookie(in.substr(0, nl));
  if (!value) return;
  if (value->find(';') != std::string::npos) std::abort();
  if (request.headers["cookie"].find(*value) == std::string::npos) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  check_target(in);
  check_decode(in);
  check_cookie(in);
  return 0;
}
