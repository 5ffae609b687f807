// smtp::LineFramer splits the command stream into CRLF-terminated lines (RFC 5321 §2.3.8).
// Invariants: memory stays bounded by the bytes of complete lines fed plus max_line, even for a
// 1 GiB line (its bytes are dropped as soon as the limit is passed); a bare LF or a CR not
// followed by LF is never taken as a line ending (no SMTP smuggling). Not thread-safe.
#pragma once
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace postern::smtp {

class LineFramer {
 public:
  explicit LineFramer(std::size_t max_line = 1000);  // max octets per line INCLUDING CRLF

  void feed(std::string_view bytes);  // append received bytes

  struct Line {
    enum class Kind { Ok, TooLong, BareLineEnding } kind;
    std::string text;  // without the line ending; empty for TooLong
  };
  // The next complete line, or nullopt if more bytes are needed. A line longer than max_line
  // yields one TooLong (the rest of it, up to its LF, is discarded unbuffered). A line ending
  // in LF not preceded by CR, or containing a CR not followed by LF, yields BareLineEnding
  // (text = the line minus its final LF / CRLF).
  std::optional<Line> next();
  bool has_complete_line() const;  // next() would return a line now (PIPELINING batching)
  std::size_t buffered() const;    // bytes held (dropped over-long lines not counted)
  void discard_buffered();         // STARTTLS (RFC 3207 §6): drop everything, reset
  // Hands the raw unconsumed bytes over (switching to DATA mode) and resets the framer. An
  // over-long line pending in the buffer has already been dropped and is not part of them.
  std::string take_buffered();

 private:
  void reset();
  std::size_t complete_end() const;  // end of the complete lines before the next TooLong

  std::size_t max_line_;
  std::string buf_;
  std::size_t pos_ = 0;   // first unconsumed byte
  std::size_t tail_ = 0;  // start of the incomplete last line: no LF in buf_[tail_, end)
  bool discarding_ = false;              // inside an over-long line, waiting for its LF
  std::deque<std::size_t> too_long_at_;  // offsets in buf_ where a dropped line stood
};

}  // namespace postern::smtp
