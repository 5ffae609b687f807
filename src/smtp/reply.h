// smtp::Reply: one SMTP reply (RFC 5321 §4.2), possibly multi-line, with its RFC 3463 enhanced
// status code. The catalogue of fixed replies is in smtp/replies.h (the contract of
// ../shared/spec/replies.md). Value type, no I/O.
#pragma once
#include <string>
#include <vector>

namespace postern::smtp {

struct Reply {
  int code = 0;
  std::string enhanced;            // "5.7.8"; empty for the greeting, EHLO and 334 challenges
  std::vector<std::string> lines;  // at least one; each line's text without code/enhanced

  // "250-a\r\n250 b\r\n"; the enhanced code is written on every line when present.
  std::string wire() const;
  // The first line as it appears on the wire without CRLF ("535 5.7.8 Authentication failed"),
  // for logs.
  std::string first_line() const;
  bool positive() const { return code >= 200 && code < 400; }
};

inline Reply make_reply(int code, std::string enhanced, std::string text) {
  return Reply{code, std::move(enhanced), {std::move(text)}};
}

}  // namespace postern::smtp
