// Fuzzes the DKIM view of untrusted messages: header parsing, From: domain extraction,
// relaxed canonicalisation and the h= choice. Invariants: views stay inside the input, a
// found domain is a valid lower-case name, relaxed output has no WSP runs or bare line ends.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "dkim/canonical.h"
#include "dkim/from_domain.h"
#include "dkim/message.h"
#include "dkim/signature.h"
#include "storage/domain_store.h"

using namespace postern;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  dkim::ParsedMessage m = dkim::parse_message(in);
  auto inside = [&](std::string_view v) {
    return v.empty() || (v.data() >= in.data() && v.data() + v.size() <= in.data() + in.size());
  };
  if (!inside(m.body)) std::abort();
  for (const auto& f : m.headers) {
    if (!inside(f.name) || !inside(f.value) || f.name.empty()) std::abort();
    std::string h = dkim::relaxed_header(f.name, f.value);
    if (h.size() < 3 || h.substr(h.size() - 2) != "\r\n") std::abort();
    if (h.find("  ") != std::string::npos) std::abort();
  }
  if (auto d = dkim::from_domain(m)) {
    auto n = storage::normalize_domain_name(*d);
    if (!n || *n != *d) std::abort();
  }
  std::string body = dkim::relaxed_body(m.body);
  if (!body.empty() && body.substr(body.size() - 2) != "\r\n") std::abort();
  if (body.size() >= 4 && body.substr(body.size() - 4) == "\r\n\r\n") std::abort();
  auto names = dkim::signed_header_names(m);
  (void)dkim::canonical_signed_headers(m, names);
  if (dkim::relaxed_body_sha256(m.body).size() != 32) std::abort();
  return 0;
}
