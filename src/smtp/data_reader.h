// smtp::DataReader reads the DATA body (RFC 5321 §4.1.1.4, §4.5.2) from raw bytes, un-dot-
// stuffing it into a string with CRLF line endings. Only CRLF "." CRLF ends the data: a bare
// LF, a bare CR or a NUL anywhere fails the message, and the reader keeps consuming up to the
// real terminator so the session stays in step with the client (SMTP smuggling defence).
// Memory is bounded by max_message_size whatever the stream. Not thread-safe.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "smtp/server.h"

namespace postern::smtp {

class DataReader {
 public:
  // RFC 5321 §4.5.3.1.6: 1000 octets per text line including CRLF. Counted on the wire, so a
  // dot-stuffed line's transparency dot counts (the same line is stuffed again on relay).
  static constexpr std::size_t kMaxLineLength = 998;

  // body: receives the un-dot-stuffed message (appended to; the reader never clears it). Only
  // meaningful when result() is Complete; after an error it holds an unspecified prefix.
  // max_message_size counts the bytes this reader appends, final CRLF included.
  DataReader(std::size_t max_message_size, std::string& body);

  // Returns the bytes consumed: all of them, or up to and including the terminating
  // "\r\n.\r\n". The data starts right after the 354, i.e. at the start of a line, so a first
  // line "." also terminates (empty message). Bytes after the terminator belong to the next
  // commands (PIPELINING) and must go back to the LineFramer.
  std::size_t feed(std::string_view bytes);
  bool done() const { return done_; }
  // Valid once done(). When several errors occurred: BareLineEnding > TooLarge > LineTooLong.
  DataResult result() const;

 private:
  enum class State : unsigned char { LineStart, Dot, DotCr, InLine };
  void store(const char* bytes, std::size_t n);

  std::size_t max_size_;
  std::string& body_;
  std::size_t size_ = 0;          // message octets so far (counted up to max_size_)
  std::size_t line_len_ = 0;       // octets of the current line so far, without CRLF
  State state_ = State::LineStart;
  bool pending_cr_ = false;        // the previous feed ended with a CR: is the next byte LF?
  bool done_ = false;
  bool bare_ = false;
  bool too_large_ = false;
  bool too_long_ = false;
};

}  // namespace postern::smtp
