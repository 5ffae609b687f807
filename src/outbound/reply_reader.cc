#include "outbound/reply_reader.h"

namespace postern::outbound {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "x.y.z" with x the class digit: the RFC 3463 enhanced code at the start of a reply text.
std::size_t enhanced_length(std::string_view text, int code) {
  if (text.size() < 5 || text[0] != static_cast<char>('0' + code / 100) || text[1] != '.')
    return 0;
  std::size_t i = 2, digits = 0;
  while (i < text.size() && is_digit(text[i]) && digits < 3) ++i, ++digits;
  if (digits == 0 || i >= text.size() || text[i] != '.') return 0;
  ++i, digits = 0;
  while (i < text.size() && is_digit(text[i]) && digits < 3) ++i, ++digits;
  if (digits == 0 || (i < text.size() && text[i] != ' ')) return 0;
  return i;
}

}  // namespace

ReplyReader::Next ReplyReader::next() {
  Next out;
  std::size_t at = pos_;
  smtp::Reply reply;
  for (;;) {
    std::size_t lf = buf_.find('\n', at);
    if (lf == std::string::npos) {
      if (buf_.size() - at > limits_.max_line)
        return {Status::Malformed, {}, "reply line too long"};
      return out;  // NeedMore
    }
    if (lf == at || buf_[lf - 1] != '\r') return {Status::Malformed, {}, "bare LF in reply"};
    std::string_view line(buf_.data() + at, lf - 1 - at);
    if (line.size() + 2 > limits_.max_line) return {Status::Malformed, {}, "reply line too long"};
    if (line.find('\r') != std::string_view::npos)
      return {Status::Malformed, {}, "bare CR in reply"};
    if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2]) ||
        line[0] < '2' || line[0] > '5' || line[1] > '5' ||
        (line.size() > 3 && line[3] != ' ' && line[3] != '-'))
      return {Status::Malformed, {}, "reply does not start with a 3-digit code"};
    int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (reply.lines.empty()) reply.code = code;
    else if (code != reply.code) return {Status::Malformed, {}, "reply code changes mid-reply"};
    std::string_view text = line.size() > 4 ? line.substr(4) : std::string_view{};
    std::size_t enh = enhanced_length(text, code);
    if (reply.lines.empty() && enh) reply.enhanced = std::string(text.substr(0, enh));
    if (enh && text.substr(0, enh) == reply.enhanced)
      text = text.substr(std::min(text.size(), enh + 1));
    reply.lines.emplace_back(text);
    at = lf + 1;
    if (line.size() == 3 || line[3] == ' ') break;
    if (reply.lines.size() >= limits_.max_lines)
      return {Status::Malformed, {}, "reply has too many lines"};
  }
  pos_ = at;
  if (pos_ == buf_.size()) clear();
  else if (pos_ > 65536) buf_.erase(0, pos_), pos_ = 0;
  return {Status::Complete, std::move(reply), {}};
}

std::string sanitize_reply_text(std::string_view text, std::size_t max_length) {
  std::string out;
  for (char c : text.substr(0, max_length)) out += (c >= 0x20 && c <= 0x7e) ? c : '?';
  return out;
}

std::string reply_summary(const smtp::Reply& reply) {
  std::string line = std::to_string(reply.code);
  if (!reply.enhanced.empty()) line += " " + reply.enhanced;
  if (!reply.lines.empty() && !reply.lines[0].empty()) line += " " + reply.lines[0];
  return sanitize_reply_text(line);
}

}  // namespace postern::outbound
