// Fuzzes SASL response decoding. Invariants: what decodes satisfies the documented limits, and
// decoding then re-encoding gives back exactly the input (base64_decode accepts only canonical
// base64, RFC 4648 §3.5).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/encoding.h"
#include "smtp/sasl.h"

using namespace postern::smtp::sasl;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const bool empty_form = in.empty() || in == "=";
  if (auto r = decode_response(in)) {
    if (!empty_form && postern::base64_encode(r->reveal()) != in) std::abort();
  }
  if (auto p = decode_plain(in)) {
    if (p->username.empty() || p->username.size() > kMaxUsername) std::abort();
    if (p->password.empty() || p->authzid.size() > kMaxAuthzid) std::abort();
    if (p->username.find('\0') != std::string::npos) std::abort();
    if (p->password.reveal().find('\0') != std::string_view::npos) std::abort();
    std::string message =
        p->authzid + '\0' + p->username + '\0' + std::string(p->password.reveal());
    if (postern::base64_encode(message) != in) std::abort();
  }
  if (auto u = decode_login_username(in)) {
    if (u->empty() || u->size() > kMaxUsername || u->find('\0') != std::string::npos) std::abort();
  }
  if (auto pw = decode_login_password(in)) {
    if (pw->empty()) std::abort();
  }
  return 0;
}
