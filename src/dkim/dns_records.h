// The DNS records an operator publishes for a sender domain (F9): one DKIM key record per
// selector (RFC 6376 §3.6.1), an SPF suggestion naming the relay's include host (RFC 7208) and
// a DMARC suggestion (RFC 7489 §6.3). Pure, thread-safe.
#pragma once
#include <string>
#include <vector>

#include "storage/domain_store.h"

namespace postern::dkim {

enum class RecordKind { Dkim, Spf, Dmarc };
const char* to_string(RecordKind kind);  // "dkim" | "spf" | "dmarc"

struct DnsRecord {
  RecordKind kind = RecordKind::Dkim;
  std::string name;   // owner name, no trailing dot: "pstrn-rsa-202611._domainkey.example.com"
  std::string value;  // the TXT data as one string (what a DNS dashboard takes)
  // Zone-file form: `<name>. IN TXT "..." "..."`, the data split into strings of at most 255
  // octets (RFC 1035 §3.3.14 character-strings), '"' and '\' escaped.
  std::string zone_line() const;
};

// "_spf.<hostname>" unless the config names one (`[delivery] spf_include`).
std::string default_spf_include(const std::string& hostname);

// DKIM records (one per selector), then SPF, then DMARC.
std::vector<DnsRecord> records_to_publish(const storage::Domain& domain,
                                          const std::string& spf_include);

std::string dkim_record_value(const storage::DkimSelector& selector);

}  // namespace postern::dkim
