// outbound::ReplyReader: frames and validates the replies of a remote SMTP server (RFC 5321
// §4.2): CRLF-only lines, three digits 2xx-5xx, the same code on every line, '-' continuation,
// and bounds on line length, line count and buffered bytes, so that a hostile server can only
// make the reply Malformed, never exhaust memory. Pure, no I/O; one per connection.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "smtp/reply.h"

namespace postern::outbound {

struct ReplyLimits {
  std::size_t max_line = 2048;  // octets including CRLF (RFC 5321 §4.5.3.1.5 says 512; be lenient)
  std::size_t max_lines = 64;   // per multi-line reply
};

class ReplyReader {
 public:
  explicit ReplyReader(ReplyLimits limits = {}) : limits_(limits) {}

  enum class Status { NeedMore, Complete, Malformed };
  struct Next {
    Status status = Status::NeedMore;
    smtp::Reply reply;    // Complete: the reply
    std::string problem;  // Malformed: why ("bare LF in reply", ...)
  };

  void feed(std::string_view bytes) { buf_.append(bytes); }
  // Takes the next whole reply out of the buffer. After Malformed the connection is unusable.
  Next next();
  std::size_t buffered() const { return buf_.size() - pos_; }
  void clear() { buf_.clear(), pos_ = 0; }

 private:
  ReplyLimits limits_;
  std::string buf_;
  std::size_t pos_ = 0;
};

// Printable ASCII only (others become '?'), at most max_length characters: safe for logs and
// for the DSN we may build from it.
std::string sanitize_reply_text(std::string_view text, std::size_t max_length = 256);
// "550 5.1.1 No such user": the first line of a reply, sanitised.
std::string reply_summary(const smtp::Reply& reply);

}  // namespace postern::outbound
