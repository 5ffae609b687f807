// Fuzzes ReplyReader with a hostile server's bytes, fed in chunks whose sizes come from the
// input. Invariants: every Complete reply has a 2xx-5xx code and at most max_lines lines of at
// most max_line octets; nothing is buffered beyond what was fed; after Malformed nothing more
// is parsed; summaries are printable ASCII.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "outbound/reply_reader.h"

using postern::outbound::ReplyLimits;
using postern::outbound::ReplyReader;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  ReplyLimits limits{64, 8};
  ReplyReader reader(limits);
  std::size_t fed = 0;
  std::size_t step = size == 0 ? 1 : (static_cast<unsigned char>(in[0]) % 13) + 1;
  while (fed < in.size()) {
    std::size_t n = std::min(step, in.size() - fed);
    reader.feed(in.substr(fed, n));
    fed += n;
    for (;;) {
      auto next = reader.next();
      if (next.status == ReplyReader::Status::NeedMore) break;
      if (next.status == ReplyReader::Status::Malformed) return 0;
      const auto& reply = next.reply;
      if (reply.code < 200 || reply.code > 599) std::abort();
      if (reply.lines.empty() || reply.lines.size() > limits.max_lines) std::abort();
      for (const auto& line : reply.lines)
        if (line.size() > limits.max_line) std::abort();
      for (unsigned char c : postern::outbound::reply_summary(reply))
        if (c < 0x20 || c >= 0x7f) std::abort();
    }
    if (reader.buffered() > fed) std::abort();
  }
  return 0;
}
