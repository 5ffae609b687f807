// Test-only: an independent-enough DKIM verifier on OpenSSL for the unit tests (it reuses the
// canonicalisation, which has its own RFC 6376 vector tests; the interop test in tests/dkim/
// checks against dkimpy and mailauth). Returns "" on pass, else the reason.
#pragma once
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <string_view>

#include "base/encoding.h"
#include "dkim/canonical.h"
#include "dkim/message.h"
#include "dkim/signature.h"

namespace postern::dkim::testing {

inline std::string tag_of(std::string_view value, std::string_view tag) {
  std::string v;
  for (char c : value)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') v.push_back(c);
  std::size_t pos = 0;
  while (pos < v.size()) {
    std::size_t end = v.find(';', pos);
    if (end == std::string::npos) end = v.size();
    std::string_view part(v.data() + pos, end - pos);
    if (part.substr(0, tag.size() + 1) == std::string(tag) + "=")
      return std::string(part.substr(tag.size() + 1));
    pos = end + 1;
  }
  return "";
}

// The raw value with the b= tag's value removed (RFC 6376 §3.7).
inline std::string without_b(std::string_view value) {
  std::string v(value);
  for (std::size_t i = 0; i + 1 < v.size(); ++i) {
    if (v[i] != 'b' || v[i + 1] != '=') continue;
    if (i > 0 && v[i - 1] != ';' && v[i - 1] != ' ' && v[i - 1] != '\t' && v[i - 1] != '\n')
      continue;
    std::size_t end = v.find(';', i);
    v.erase(i + 2, (end == std::string::npos ? v.size() : end) - (i + 2));
    break;
  }
  return v;
}

// Verifies the index-th DKIM-Signature field of message with the given p= value.
inline std::string verify_signature(std::string_view message, std::string_view public_key_b64,
                                    int index = 0) {
  ParsedMessage m = parse_message(message);
  const HeaderField* sig = nullptr;
  for (const auto& f : m.headers)
    if (same_name(f.name, "DKIM-Signature") && index-- == 0) sig = &f;
  if (!sig) return "no DKIM-Signature";
  auto bh = base64_decode(tag_of(sig->value, "bh"));
  if (!bh || *bh != relaxed_body_sha256(m.body)) return "body hash mismatch";
  std::vector<std::string> names;
  std::string h = tag_of(sig->value, "h");
  for (std::size_t pos = 0; pos <= h.size();) {
    std::size_t end = h.find(':', pos);
    if (end == std::string::npos) end = h.size();
    names.push_back(h.substr(pos, end - pos));
    pos = end + 1;
  }
  std::string data = canonical_signed_headers(m, names);
  data += relaxed_header(sig->name, without_b(sig->value));
  data.resize(data.size() - 2);
  auto b = base64_decode(tag_of(sig->value, "b"));
  auto p = base64_decode(std::string(public_key_b64));
  if (!b || !p) return "bad base64";
  const bool ed = tag_of(sig->value, "a") == "ed25519-sha256";
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(nullptr, EVP_PKEY_free);
  const auto* pp = reinterpret_cast<const unsigned char*>(p->data());
  if (ed)
    key.reset(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, pp, p->size()));
  else
    key.reset(d2i_PUBKEY(nullptr, &pp, static_cast<long>(p->size())));
  if (!key) return "bad public key";
  std::string input = data;
  if (ed) {
    unsigned char md[32];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
    input.assign(reinterpret_cast<char*>(md), len);
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, ed ? nullptr : EVP_sha256(), nullptr,
                           key.get()) != 1)
    return "verify init failed";
  int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(b->data()),
                            b->size(), reinterpret_cast<const unsigned char*>(input.data()),
                            input.size());
  return rc == 1 ? "" : "signature mismatch";
}

}  // namespace postern::dkim::testing
