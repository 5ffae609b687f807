#include "smtp/data_reader.h"

#include <cstring>

namespace postern::smtp {

DataReader::DataReader(std::size_t max_message_size, std::string& body)
    : max_size_(max_message_size), body_(body) {}

DataResult DataReader::result() const {
  if (bare_) return DataResult::BareLineEnding;
  if (too_large_) return DataResult::TooLarge;
  if (too_long_) return DataResult::LineTooLong;
  return DataResult::Complete;
}

void DataReader::store(const char* bytes, std::size_t n) {
  // The size is counted even after another error, so that the precedence of result() holds;
  // bytes are stored only while the message can still be accepted.
  if (too_large_ || n == 0) return;
  if (n > max_size_ - size_) {
    too_large_ = true;
    return;
  }
  size_ += n;
  if (!bare_ && !too_long_) body_.append(bytes, n);
}

std::size_t DataReader::feed(std::string_view bytes) {
  const char* d = bytes.data();
  const std::size_t n = bytes.size();
  std::size_t i = 0;
  // Per line: a constant amount of state work, then memchr over the line (the hot path).
  while (i < n && !done_) {
    switch (state_) {
      case State::LineStart:
        line_len_ = 0;
        if (d[i] == '.') {
          state_ = State::Dot;
          line_len_ = 1;
          ++i;
        } else {
          state_ = State::InLine;
        }
        break;
      case State::Dot:
        if (d[i] == '\r') {
          state_ = State::DotCr;
          ++i;
        } else {
          state_ = State::InLine;  // a dot-stuffed line: its first dot is dropped (§4.5.2)
        }
        break;
      case State::DotCr:
        if (d[i] == '\n') {  // CRLF "." CRLF
          ++i;
          done_ = true;
        } else {
          bare_ = true;  // ".\r" not followed by LF
          state_ = State::InLine;
        }
        break;
      case State::InLine: {
        const char* start = d + i;
        const std::size_t avail = n - i;
        const char* lf = static_cast<const char*>(std::memchr(start, '\n', avail));
        const std::size_t seg = lf ? static_cast<std::size_t>(lf - start) : avail;
        std::size_t content = seg;
        bool crlf = false;
        if (pending_cr_) {
          pending_cr_ = false;
          if (lf && seg == 0) crlf = true;  // CR at the end of the last feed, LF now
          else bare_ = true;               // that CR was not followed by LF
        }
        if (!crlf && seg > 0 && start[seg - 1] == '\r') {
          content = seg - 1;
          if (lf) crlf = true;
          else pending_cr_ = true;
        }
        if (lf && !crlf) bare_ = true;  // bare LF
        if (!bare_ && content > 0 &&
            (std::memchr(start, '\r', content) || std::memchr(start, '\0', content)))
          bare_ = true;
        line_len_ += content;
        if (line_len_ > kMaxLineLength) too_long_ = true;
        store(start, content);
        if (!lf) {
          i = n;
          break;
        }
        i += seg + 1;
        line_len_ = 0;
        if (crlf) {
          store("\r\n", 2);
          state_ = State::LineStart;
        }
        // After a bare LF the next line does not start after a CRLF, so a "." there is no
        // terminator ("\n.\r\n" must not end the data): stay InLine.
        break;
      }
    }
  }
  return i;
}

}  // namespace postern::smtp
