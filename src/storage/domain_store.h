// storage::DomainStore: the sender domains of accounts, their DKIM selectors (public halves
// only: private keys live in files owned by dkim::KeyStore) and the last SPF/DKIM/DMARC
// verification (F9). A domain name is stored lower-case and belongs to exactly one account.
// Part of Store; implementations are thread-safe.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace postern::storage {

enum class DkimAlgorithm { Rsa, Ed25519 };
enum class CheckStatus { Unchecked, Ok, Missing, Mismatch };

inline const char* to_string(DkimAlgorithm a) { return a == DkimAlgorithm::Rsa ? "rsa" : "ed25519"; }
inline std::optional<DkimAlgorithm> parse_dkim_algorithm(std::string_view text) {
  if (text == "rsa") return DkimAlgorithm::Rsa;
  if (text == "ed25519") return DkimAlgorithm::Ed25519;
  return std::nullopt;
}
inline const char* to_string(CheckStatus s) {
  switch (s) {
    case CheckStatus::Ok: return "ok";
    case CheckStatus::Missing: return "missing";
    case CheckStatus::Mismatch: return "mismatch";
    default: return "unchecked";
  }
}
inline std::optional<CheckStatus> parse_check_status(std::string_view text) {
  for (CheckStatus s : {CheckStatus::Unchecked, CheckStatus::Ok, CheckStatus::Missing,
                        CheckStatus::Mismatch})
    if (text == to_string(s)) return s;
  return std::nullopt;
}

struct DkimSelector {
  std::string selector;  // DNS label, e.g. "pstrn-rsa-202611"
  DkimAlgorithm algorithm = DkimAlgorithm::Rsa;
  std::string public_key;  // base64, exactly the p= value to publish (RFC 6376 §3.6.1)
  Millis created_at = 0;
};

struct DomainVerification {
  CheckStatus spf = CheckStatus::Unchecked;
  CheckStatus dkim = CheckStatus::Unchecked;
  CheckStatus dmarc = CheckStatus::Unchecked;
  Millis checked_at = 0;  // 0: never checked
};

struct Domain {
  std::int64_t id = 0;
  std::string account;  // account name
  std::string name;     // lower-case, no trailing dot
  std::vector<DkimSelector> selectors;  // ordered by algorithm (rsa first), then selector
  DomainVerification verification;
  Millis created_at = 0;
  bool verified() const {
    return verification.spf == CheckStatus::Ok && verification.dkim == CheckStatus::Ok &&
           verification.dmarc == CheckStatus::Ok;
  }
};

// "Example.COM." -> "example.com". Refuses what is not a host name of at least two labels:
// labels of [a-z0-9-] (1-63 octets, no leading/trailing '-'), 253 octets in all, a TLD that
// is not all digits. No IDNA: non-ASCII names must be given as A-labels ("xn--...").
inline Result<std::string> normalize_domain_name(std::string_view text) {
  std::string name(text);
  if (!name.empty() && name.back() == '.') name.pop_back();
  for (char& c : name)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  auto bad = [&](const std::string& why) {
    return Error{"invalid domain \"" + std::string(text.substr(0, 80)) + "\": " + why};
  };
  if (name.empty()) return bad("empty");
  if (name.size() > 253) return bad("longer than 253 characters");
  std::size_t labels = 0, start = 0;
  bool tld_digits = true;
  while (start <= name.size()) {
    std::size_t end = name.find('.', start);
    if (end == std::string::npos) end = name.size();
    std::string_view label(name.data() + start, end - start);
    if (label.empty()) return bad("empty label");
    if (label.size() > 63) return bad("label longer than 63 characters");
    if (label.front() == '-' || label.back() == '-') return bad("label starts or ends with '-'");
    tld_digits = true;
    for (char c : label) {
      bool digit = c >= '0' && c <= '9';
      if (!digit && !(c >= 'a' && c <= 'z') && c != '-')
        return bad("only letters, digits, '-' and '.' are allowed (IDNs as xn-- A-labels)");
      tld_digits = tld_digits && digit;
    }
    ++labels;
    start = end + 1;
  }
  if (labels < 2) return bad("needs at least two labels (e.g. example.com)");
  if (tld_digits) return bad("the top-level label is all digits (an IP address is not a domain)");
  return name;
}

class DomainStore {
 public:
  virtual ~DomainStore() = default;

  // Error when the account does not exist, the name is invalid or already taken (by any
  // account). Fills id and created_at (of the domain and of selectors left at 0).
  virtual Result<Domain> add_domain(const std::string& account, const std::string& name,
                                    const std::vector<DkimSelector>& selectors) = 0;
  virtual std::optional<Domain> find_domain(const std::string& name) = 0;
  // Ordered by name; `account` (a name) narrows the list.
  virtual std::vector<Domain> list_domains(const std::optional<std::string>& account) = 0;
  // Error when there is no such domain. Selectors go with it.
  virtual Status remove_domain(const std::string& name) = 0;
  // The domain, when it belongs to `account` (the signer's per-message lookup).
  virtual std::optional<Domain> domain_of_account(const std::string& account,
                                                  const std::string& name) = 0;
  virtual Status set_verification(const std::string& name, const DomainVerification& v) = 0;
};

}  // namespace postern::storage
