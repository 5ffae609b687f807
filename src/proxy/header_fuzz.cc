// Fuzzes the PROXY v1/v2 parsers with load-balancer bytes. Invariants: an accepted header with
// addresses has canonical, non-empty addresses that parse back; v2 parsing never reads past
// the announced length; detect() agrees with what the parsers accept.
#include <arpa/inet.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "proxy/proxy_header.h"

namespace {

void check_address(const std::string& ip) {
  unsigned char buf[16];
  if (ip.empty()) std::abort();
  if (inet_pton(AF_INET, ip.c_str(), buf) != 1 && inet_pton(AF_INET6, ip.c_str(), buf) != 1) std::abort();
}

void check(const postern::Result<postern::proxy::Header>& h) {
  if (!h || !h->has_addresses) return;
  check_address(h->source_ip);
  check_address(h->destination_ip);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace postern::proxy;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto v1 = parse_v1(in);
  check(v1);
  if (v1 && in.size() >= 8 && detect(in.substr(0, 8)) != Version::V1) std::abort();
  if (in.size() >= kV2FixedLength) {
    auto length = v2_payload_length(in.substr(0, kV2FixedLength));
    if (length) {
      if (*length > 65535) std::abort();
      if (in.size() >= kV2FixedLength + *length) {
        auto v2 = parse_v2(in.substr(0, kV2FixedLength + *length));
        check(v2);
        if (!v2.ok() && !v2.error().message.starts_with("invalid PROXY header")) std::abort();
      }
    }
    auto whole = parse_v2(in);
    check(whole);
    if (whole && detect(in.substr(0, 8)) != Version::V2) std::abort();
  }
  return 0;
}
