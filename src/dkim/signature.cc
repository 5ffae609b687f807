#include "dkim/signature.h"

#include <openssl/evp.h>

#include <array>
#include <memory>

#include "base/encoding.h"
#include "dkim/canonical.h"

namespace postern::dkim {
namespace {

constexpr std::array<std::string_view, 13> kHeaders = {
    "from",         "to",       "cc",           "subject",
    "date",         "message-id", "reply-to",   "mime-version",
    "content-type", "content-transfer-encoding", "in-reply-to", "references",
    "list-unsubscribe"};

constexpr std::size_t kMaxLine = 78;  // RFC 5322 §2.1.1 SHOULD

// Builds a folded header field: tag units go on the current line while it stays within
// kMaxLine octets, else on a continuation line (FWS is allowed between tags, around ':' in
// h= and inside base64 values: RFC 6376 §3.2, §3.5).
class Folder {
 public:
  explicit Folder(std::string start) : text_(std::move(start)), line_(text_.size()) {}
  // sep: " " between tags, "" inside one tag's value.
  void add(std::string_view sep, std::string_view unit) {
    if (line_ + sep.size() + unit.size() > kMaxLine && line_ > 1) {
      text_ += "\r\n ";
      line_ = 1;
    } else {
      text_ += sep;
      line_ += sep.size();
    }
    text_ += unit;
    line_ += unit.size();
  }
  // A long value (b=) split over as many lines as it needs.
  void add_wrapped(std::string_view value) {
    while (!value.empty()) {
      if (line_ >= kMaxLine) {
        text_ += "\r\n ";
        line_ = 1;
      }
      std::size_t n = std::min(value.size(), kMaxLine - line_);
      text_ += value.substr(0, n);
      line_ += n;
      value.remove_prefix(n);
    }
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::size_t line_;
};

using MdCtx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

std::string sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(md), len);
}

// rsa-sha256: RSASSA-PKCS1-v1_5 with SHA-256 over the data (RFC 6376 §3.3.1).
// ed25519-sha256: PureEd25519 over the SHA-256 of the data (RFC 8463 §3): EVP_DigestSign
// with a NULL md signs its input as is, and the input is the 32-byte hash.
Result<std::string> sign_data(const SigningKey& k, std::string_view data) {
  const bool ed = k.algorithm == storage::DkimAlgorithm::Ed25519;
  if (!k.key || EVP_PKEY_is_a(k.key.get(), ed ? "ED25519" : "RSA") != 1)
    return Error{"DKIM key of " + k.domain + "/" + k.selector + " is not " +
                 storage::to_string(k.algorithm)};
  MdCtx ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  const std::string hashed = ed ? sha256(data) : std::string();
  const std::string_view input = ed ? std::string_view(hashed) : data;
  std::size_t len = 0;
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, ed ? nullptr : EVP_sha256(), nullptr,
                         k.key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    return Error{"DKIM signing failed"};
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    return Error{"DKIM signing failed"};
  sig.resize(len);
  return sig;
}

}  // namespace

const std::span<const std::string_view> kSignedHeaders = kHeaders;

std::vector<std::string> signed_header_names(const ParsedMessage& message) {
  std::vector<std::string> names;
  for (std::string_view wanted : kHeaders)
    for (const HeaderField& f : message.headers)
      if (same_name(f.name, wanted)) names.emplace_back(wanted);
  names.emplace_back("from");  // over-signed
  return names;
}

std::string canonical_signed_headers(const ParsedMessage& message,
                                     const std::vector<std::string>& names) {
  std::string out;
  // How many instances of each name were already used, counting from the bottom (§5.4.2).
  std::vector<std::pair<std::string_view, std::size_t>> used;
  for (const std::string& name : names) {
    std::size_t* count = nullptr;
    for (auto& u : used)
      if (u.first == name) count = &u.second;
    if (!count) count = &used.emplace_back(name, 0).second;
    std::size_t skip = (*count)++;
    for (auto it = message.headers.rbegin(); it != message.headers.rend(); ++it) {
      if (!same_name(it->name, name)) continue;
      if (skip-- == 0) {
        out += relaxed_header(it->name, it->value);
        break;
      }
    }
  }
  return out;
}

Result<std::string> make_signature(const ParsedMessage& message, const SigningKey& key,
                                   std::string_view body_hash, std::int64_t timestamp) {
  const bool ed = key.algorithm == storage::DkimAlgorithm::Ed25519;
  const std::vector<std::string> names = signed_header_names(message);

  Folder f("DKIM-Signature:");
  f.add(" ", "v=1;");
  f.add(" ", ed ? "a=ed25519-sha256;" : "a=rsa-sha256;");
  f.add(" ", "c=relaxed/relaxed;");
  f.add(" ", "d=" + key.domain + ";");
  f.add(" ", "s=" + key.selector + ";");
  f.add(" ", "t=" + std::to_string(timestamp) + ";");
  for (std::size_t i = 0; i < names.size(); ++i)
    f.add(i == 0 ? " " : "", (i == 0 ? "h=" : ":") + names[i] + (i + 1 == names.size() ? ";" : ""));
  f.add(" ", "bh=" + base64_encode(body_hash) + ";");
  f.add(" ", "b=");

  // §3.7: the header data, then this field with an empty b= and without its final CRLF.
  const std::string_view value = std::string_view(f.text()).substr(sizeof("DKIM-Signature:") - 1);
  std::string data = canonical_signed_headers(message, names);
  data += relaxed_header("DKIM-Signature", value);
  data.resize(data.size() - 2);

  auto sig = sign_data(key, data);
  if (!sig) return sig.error();
  f.add_wrapped(base64_encode(sig.value()));
  return f.text() + "\r\n";
}

}  // namespace postern::dkim
