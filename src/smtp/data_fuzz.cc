// Fuzzes DataReader against a naive reference: the end is the first CRLF "." CRLF (the data
// starts at a line start), the result follows the documented precedence, the body is the
// un-dot-stuffed lines. The input is fed in chunks whose sizes come from the input itself, so
// every split of the terminator is tried.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "smtp/data_reader.h"

using namespace postern::smtp;

namespace {

struct Reference {
  bool done = false;
  std::size_t consumed = 0;
  DataResult result = DataResult::Complete;
  std::string body;
};

Reference reference(std::string_view in, std::size_t max) {
  Reference ref;
  std::string padded = "\r\n" + std::string(in);
  std::size_t at = padded.find("\r\n.\r\n");
  if (at == std::string::npos) return ref;
  ref.done = true;
  ref.consumed = at + 3;
  std::string_view msg = in.substr(0, at);  // up to and including the CRLF before "."
  bool bare = false, too_long = false;
  for (std::size_t i = 0; i < ref.consumed; ++i) {
    char c = in[i];
    if (c == '\0') bare = true;
    if (c == '\r' && (i + 1 >= in.size() || in[i + 1] != '\n')) bare = true;
    if (c == '\n' && (i == 0 || in[i - 1] != '\r')) bare = true;
  }
  std::size_t start = 0;
  while (start < msg.size()) {
    std::size_t end = msg.find("\r\n", start);
    std::string_view line = msg.substr(start, end - start);
    if (line.size() > DataReader::kMaxLineLength) too_long = true;
    if (!line.empty() && line[0] == '.') line.remove_prefix(1);
    ref.body.append(line).append("\r\n");
    start = end + 2;
  }
  bool too_large = ref.body.size() > max;
  ref.result = bare        ? DataResult::BareLineEnding
               : too_large ? DataResult::TooLarge
               : too_long  ? DataResult::LineTooLong
                           : DataResult::Complete;
  return ref;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  std::size_t max = 16 + data[0] * 8;
  std::size_t chunk = 1 + data[1] % 32;
  std::string_view in(reinterpret_cast<const char*>(data) + 2, size - 2);

  std::string whole_body;
  DataReader whole(max, whole_body);
  std::size_t whole_used = whole.feed(in);

  std::string body;
  DataReader pieces(max, body);
  std::size_t used = 0;
  while (used < in.size() && !pieces.done()) {
    std::size_t n = std::min(chunk, in.size() - used);
    std::size_t k = pieces.feed(in.substr(used, n));
    if (k > n || (k < n && !pieces.done())) std::abort();
    used += k;
  }
  if (whole.done() != pieces.done() || whole_used != used) std::abort();
  if (!whole.done() && whole_used != in.size()) std::abort();
  if (whole.done() && whole.result() != pieces.result()) std::abort();
  if (whole_body.size() > max || body.size() > max) std::abort();

  Reference ref = reference(in, max);
  if (ref.done != whole.done()) std::abort();
  if (ref.done) {
    if (ref.consumed != whole_used || ref.result != whole.result()) std::abort();
    if (ref.result == DataResult::Complete && (ref.body != whole_body || ref.body != body))
      std::abort();
  }
  return 0;
}
