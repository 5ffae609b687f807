#include "dkim/canonical.h"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace postern::dkim {
namespace {

bool is_wsp(char c) { return c == ' ' || c == '\t'; }

// Appends the relaxed form of one body line (without its line end) to out; returns whether
// anything was appended.
bool append_relaxed_line(std::string_view line, std::string& out) {
  const std::size_t before = out.size();
  bool pending_space = false;
  for (char c : line) {
    if (is_wsp(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out.size() != before;  // trailing WSP dropped: pending_space never flushed
}

// Drives the body through the relaxed rules, handing canonical bytes to flush(std::string&)
// in chunks (flush may consume and clear the buffer).
template <class Flush>
void canonicalise_body(std::string_view body, std::string& buf, Flush flush) {
  constexpr std::size_t kChunk = 64 * 1024;
  std::size_t empty_lines = 0;  // held back: dropped if nothing follows (§3.4.4 c)
  std::size_t pos = 0;
  while (pos < body.size()) {
    std::size_t lf = body.find('\n', pos);
    std::size_t end = lf == std::string_view::npos ? body.size() : lf;
    std::size_t next = lf == std::string_view::npos ? body.size() : lf + 1;
    if (lf != std::string_view::npos && end > pos && body[end - 1] == '\r') --end;
    const std::size_t mark = buf.size();
    if (append_relaxed_line(body.substr(pos, end - pos), buf)) {
      if (empty_lines > 0) {  // the held-back empty lines were inner ones after all
        std::string crlfs;
        for (; empty_lines > 0; --empty_lines) crlfs += "\r\n";
        buf.insert(mark, crlfs);
      }
      buf += "\r\n";
      if (buf.size() >= kChunk) flush(buf);
    } else {
      ++empty_lines;
    }
    pos = next;
  }
  flush(buf);
}

}  // namespace

std::string relaxed_header(std::string_view name, std::string_view value) {
  std::string out;
  out.reserve(name.size() + value.size() + 3);
  for (char c : name) {
    if (is_wsp(c)) continue;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  out.push_back(':');
  bool pending_space = false, started = false;
  for (char c : value) {
    if (c == '\r' || c == '\n') continue;  // unfold
    if (is_wsp(c)) {
      pending_space = started;
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    started = true;
    out.push_back(c);
  }
  out += "\r\n";
  return out;
}

std::string relaxed_body(std::string_view body) {
  std::string out, buf;
  canonicalise_body(body, buf, [&](std::string& b) {
    out += b;
    b.clear();
  });
  return out;
}

std::string relaxed_body_sha256(std::string_view body) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 unavailable");
  std::string buf;
  buf.reserve(std::min<std::size_t>(body.size() + 2, 80 * 1024));
  canonicalise_body(body, buf, [&](std::string& b) {
    EVP_DigestUpdate(ctx.get(), b.data(), b.size());
    b.clear();
  });
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  return std::string(reinterpret_cast<const char*>(md), len);
}

}  // namespace postern::dkim
