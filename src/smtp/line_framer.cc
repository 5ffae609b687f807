#include "smtp/line_framer.h"

#include <cstring>

namespace postern::smtp {

LineFramer::LineFramer(std::size_t max_line) : max_line_(max_line < 2 ? 2 : max_line) {}

void LineFramer::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    const char* lf = static_cast<const char*>(std::memchr(bytes.data(), '\n', bytes.size()));
    if (discarding_) {
      if (lf == nullptr) return;  // still inside the over-long line: drop without buffering
      bytes.remove_prefix(static_cast<std::size_t>(lf - bytes.data()) + 1);
      discarding_ = false;
      continue;
    }
    std::size_t segment = lf ? static_cast<std::size_t>(lf - bytes.data()) + 1 : bytes.size();
    if (buf_.size() - tail_ + segment > max_line_) {
      buf_.resize(tail_);  // drop the partial line; a marker keeps its place in the order
      too_long_at_.push_back(tail_);
      if (lf == nullptr) {
        discarding_ = true;
        return;
      }
      bytes.remove_prefix(segment);
      continue;
    }
    buf_.append(bytes.data(), segment);
    bytes.remove_prefix(segment);
    if (lf) tail_ = buf_.size();
  }
}

std::size_t LineFramer::complete_end() const {
  return too_long_at_.empty() ? tail_ : too_long_at_.front();
}

std::optional<LineFramer::Line> LineFramer::next() {
  if (!too_long_at_.empty() && too_long_at_.front() == pos_) {
    too_long_at_.pop_front();
    return Line{Line::Kind::TooLong, {}};
  }
  std::size_t end = complete_end();
  if (pos_ >= end) {
    if (pos_ == buf_.size() && too_long_at_.empty()) {  // all consumed: reuse the buffer
      buf_.clear();
      pos_ = tail_ = 0;
    }
    return std::nullopt;
  }
  const char* base = buf_.data() + pos_;
  const char* lf = static_cast<const char*>(std::memchr(base, '\n', end - pos_));
  std::size_t len = static_cast<std::size_t>(lf - base);  // complete lines always end in LF
  Line line{Line::Kind::Ok, {}};
  // RFC 5321 §2.3.8: lines end with CRLF only; any other CR or LF is refused, never
  // reinterpreted as a line break (the smuggling defence).
  if (len > 0 && base[len - 1] == '\r') {
    --len;
    if (std::memchr(base, '\r', len) != nullptr) line.kind = Line::Kind::BareLineEnding;
  } else {
    line.kind = Line::Kind::BareLineEnding;
  }
  line.text.assign(base, len);
  pos_ = static_cast<std::size_t>(lf - buf_.data()) + 1;
  if (pos_ > 65536 && pos_ * 2 > buf_.size()) {  // compact now and then, not per line
    buf_.erase(0, pos_);
    tail_ -= pos_;
    for (auto& at : too_long_at_) at -= pos_;
    pos_ = 0;
  }
  return line;
}

bool LineFramer::has_complete_line() const {
  return (!too_long_at_.empty() && too_long_at_.front() == pos_) || pos_ < complete_end();
}

std::size_t LineFramer::buffered() const { return buf_.size() - pos_; }

void LineFramer::reset() {
  buf_.clear();
  pos_ = tail_ = 0;
  discarding_ = false;
  too_long_at_.clear();
}

void LineFramer::discard_buffered() { reset(); }

std::string LineFramer::take_buffered() {
  std::string out = buf_.substr(pos_);
  reset();
  return out;
}

}  // namespace postern::smtp
