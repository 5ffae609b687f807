#include "dns/rdata.h"

#include <arpa/inet.h>

namespace postern::dns {

std::optional<std::string> parse_wire_name(std::string_view data, std::size_t& pos) {
  std::string name;
  for (int labels = 0; labels < 128; ++labels) {
    if (pos >= data.size()) return std::nullopt;
    auto len = static_cast<unsigned char>(data[pos++]);
    if (len == 0) return name;
    // 0xC0: a compression pointer (never in unbound's decompressed rdata); 0x40: obsolete types.
    if (len > 63 || pos + len > data.size()) return std::nullopt;
    if (!name.empty()) name += '.';
    for (std::size_t i = 0; i < len; ++i) {
      char c = data[pos + i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      name += c;
    }
    pos += len;
    if (name.size() > 253) return std::nullopt;
  }
  return std::nullopt;
}

std::optional<MxRecord> parse_mx_rdata(std::string_view rdata) {
  if (rdata.size() < 3) return std::nullopt;
  MxRecord mx;
  mx.preference = static_cast<std::uint16_t>((static_cast<unsigned char>(rdata[0]) << 8) |
                                             static_cast<unsigned char>(rdata[1]));
  std::size_t pos = 2;
  auto name = parse_wire_name(rdata, pos);
  if (!name || pos != rdata.size()) return std::nullopt;
  mx.host = std::move(*name);
  return mx;
}

std::optional<std::string> parse_txt_rdata(std::string_view rdata) {
  std::string out;
  std::size_t pos = 0;
  while (pos < rdata.size()) {
    auto len = static_cast<unsigned char>(rdata[pos++]);
    if (pos + len > rdata.size()) return std::nullopt;
    out.append(rdata.substr(pos, len));
    pos += len;
  }
  return out;
}

std::optional<std::string> parse_a_rdata(std::string_view rdata) {
  if (rdata.size() != 4) return std::nullopt;
  char text[INET_ADDRSTRLEN];
  if (!inet_ntop(AF_INET, rdata.data(), text, sizeof text)) return std::nullopt;
  return std::string(text);
}

std::optional<std::string> parse_aaaa_rdata(std::string_view rdata) {
  if (rdata.size() != 16) return std::nullopt;
  char text[INET6_ADDRSTRLEN];
  if (!inet_ntop(AF_INET6, rdata.data(), text, sizeof text)) return std::nullopt;
  return std::string(text);
}

}  // namespace postern::dns
