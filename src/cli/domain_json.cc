#include "cli/domain_json.h"

#include "cli/json_output.h"
#include "dkim/dns_records.h"

namespace postern::cli {
namespace {

nlohmann::json check_to_json(const dkim::CheckResult& c) {
  return {{"status", storage::to_string(c.status)},
          {"name", c.name},
          {"expected", c.expected},
          {"found", c.found.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.found)},
          {"detail", c.detail}};
}

}  // namespace

nlohmann::json domain_to_json(const storage::Domain& d, const std::string& spf_include) {
  nlohmann::json selectors = nlohmann::json::array();
  for (const auto& s : d.selectors)
    selectors.push_back({{"selector", s.selector},
                         {"algorithm", storage::to_string(s.algorithm)},
                         {"public_key", s.public_key},
                         {"created_at", time_or_null(s.created_at)}});
  nlohmann::json records = nlohmann::json::array();
  for (const auto& r : dkim::records_to_publish(d, spf_include))
    records.push_back({{"kind", dkim::to_string(r.kind)},
                       {"name", r.name},
                       {"type", "TXT"},
                       {"value", r.value},
                       {"zone", r.zone_line()}});
  return {{"name", d.name},
          {"account", d.account},
          {"created_at", time_or_null(d.created_at)},
          {"verified", d.verified()},
          {"verification",
           {{"spf", storage::to_string(d.verification.spf)},
            {"dkim", storage::to_string(d.verification.dkim)},
            {"dmarc", storage::to_string(d.verification.dmarc)},
            {"checked_at", time_or_null(d.verification.checked_at)}}},
          {"selectors", selectors},
          {"records", records}};
}

nlohmann::json report_to_json(const dkim::DomainReport& report, Millis checked_at) {
  nlohmann::json dkim = nlohmann::json::array();
  for (const auto& s : report.dkim) {
    nlohmann::json j = check_to_json(s.result);
    j["selector"] = s.selector;
    dkim.push_back(std::move(j));
  }
  storage::Domain summary;
  summary.verification = report.verification(checked_at);
  return {{"domain", report.domain},
          {"verified", summary.verified()},
          {"checked_at", time_or_null(checked_at)},
          {"spf", check_to_json(report.spf)},
          {"dkim", dkim},
          {"dmarc", check_to_json(report.dmarc)}};
}

}  // namespace postern::cli
