#include "dkim/dns_records.h"

namespace postern::dkim {

const char* to_string(RecordKind kind) {
  switch (kind) {
    case RecordKind::Spf: return "spf";
    case RecordKind::Dmarc: return "dmarc";
    default: return "dkim";
  }
}

std::string DnsRecord::zone_line() const {
  constexpr std::size_t kMaxString = 255;
  std::string line = name + ". IN TXT";
  for (std::size_t pos = 0; pos < value.size() || pos == 0; pos += kMaxString) {
    line += " \"";
    for (char c : value.substr(pos, kMaxString)) {
      if (c == '"' || c == '\\') line.push_back('\\');
      line.push_back(c);
    }
    line += '"';
    if (value.empty()) break;
  }
  return line;
}

std::string default_spf_include(const std::string& hostname) { return "_spf." + hostname; }

std::string dkim_record_value(const storage::DkimSelector& selector) {
  return std::string("v=DKIM1; k=") + storage::to_string(selector.algorithm) +
         "; p=" + selector.public_key;
}

std::vector<DnsRecord> records_to_publish(const storage::Domain& domain,
                                          const std::string& spf_include) {
  std::vector<DnsRecord> out;
  for (const storage::DkimSelector& sel : domain.selectors)
    out.push_back({RecordKind::Dkim, sel.selector + "._domainkey." + domain.name,
                   dkim_record_value(sel)});
  out.push_back({RecordKind::Spf, domain.name, "v=spf1 include:" + spf_include + " ~all"});
  out.push_back({RecordKind::Dmarc, "_dmarc." + domain.name,
                 "v=DMARC1; p=none; rua=mailto:dmarc@" + domain.name});
  return out;
}

}  // namespace postern::dkim
