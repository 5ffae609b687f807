#include "dkim/verify.h"

#include <gtest/gtest.h>

#include "dkim/dns_records.h"
#include "dkim/testing/fake_resolver.h"

namespace postern::dkim {
namespace {

using storage::CheckStatus;
using storage::DkimAlgorithm;

storage::Domain domain() {
  storage::Domain d;
  d.name = "example.com";
  d.selectors = {{"pstrn-rsa-202611", DkimAlgorithm::Rsa, std::string(392, 'R'), 0},
                 {"pstrn-ed-202611", DkimAlgorithm::Ed25519, "EDKEY=", 0}};
  return d;
}

testing::FakeResolver published() {
  testing::FakeResolver r;
  for (const auto& rec : records_to_publish(domain(), "_spf.relay.test"))
    r.txt_records[rec.name].push_back(rec.value);
  return r;
}

TEST(DnsRecords, WhatToPublish) {
  auto recs = records_to_publish(domain(), "_spf.relay.test");
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(recs[0].name, "pstrn-rsa-202611._domainkey.example.com");
  EXPECT_EQ(recs[0].value, "v=DKIM1; k=rsa; p=" + std::string(392, 'R'));
  EXPECT_EQ(recs[1].value, "v=DKIM1; k=ed25519; p=EDKEY=");
  EXPECT_EQ(recs[2].kind, RecordKind::Spf);
  EXPECT_EQ(recs[2].value, "v=spf1 include:_spf.relay.test ~all");
  EXPECT_EQ(recs[3].name, "_dmarc.example.com");
  EXPECT_EQ(recs[3].value, "v=DMARC1; p=none; rua=mailto:dmarc@example.com");
  EXPECT_EQ(default_spf_include("relay.example"), "_spf.relay.example");
}

TEST(DnsRecords, ZoneLineSplitsAt255Octets) {
  auto rsa = records_to_publish(domain(), "x.test")[0];
  std::string line = rsa.zone_line();
  std::string value = rsa.value;
  EXPECT_EQ(line, "pstrn-rsa-202611._domainkey.example.com. IN TXT \"" + value.substr(0, 255) +
                      "\" \"" + value.substr(255) + "\"");
  EXPECT_EQ((DnsRecord{RecordKind::Spf, "a.example", "say \"hi\\\""}).zone_line(),
            "a.example. IN TXT \"say \\\"hi\\\\\\\"\"");
}

TEST(Verify, AllPublished) {
  auto r = published();
  DomainReport rep = verify_domain(domain(), r, "_spf.relay.test");
  EXPECT_EQ(rep.spf.status, CheckStatus::Ok) << rep.spf.detail;
  EXPECT_EQ(rep.dkim_status(), CheckStatus::Ok);
  EXPECT_EQ(rep.dmarc.status, CheckStatus::Ok);
  EXPECT_EQ(rep.dmarc.found, "v=DMARC1; p=none; rua=mailto:dmarc@example.com");
  auto v = rep.verification(42);
  EXPECT_EQ(v.checked_at, 42);
  EXPECT_EQ(v.dkim, CheckStatus::Ok);
}

TEST(Verify, NothingPublished) {
  testing::FakeResolver r;
  DomainReport rep = verify_domain(domain(), r, "_spf.relay.test");
  EXPECT_EQ(rep.spf.status, CheckStatus::Missing);
  EXPECT_EQ(rep.dkim_status(), CheckStatus::Missing);
  EXPECT_EQ(rep.dmarc.status, CheckStatus::Missing);
  EXPECT_EQ(rep.dkim[0].result.name, "pstrn-rsa-202611._domainkey.example.com");
}

TEST(Verify, DkimKeyMismatchAndTxtSplitWhitespace) {
  auto r = published();
  r.txt_records["pstrn-ed-202611._domainkey.example.com"] = {"v=DKIM1; k=ed25519; p=OTHER="};
  r.txt_records["pstrn-rsa-202611._domainkey.example.com"] = {
      "v=DKIM1; k=rsa; p=" + std::string(200, 'R') + " " + std::string(192, 'R')};
  DomainReport rep = verify_domain(domain(), r, "_spf.relay.test");
  EXPECT_EQ(rep.dkim[0].result.status, CheckStatus::Ok);
  EXPECT_EQ(rep.dkim[1].result.status, CheckStatus::Mismatch);
  EXPECT_EQ(rep.dkim[1].result.found, "v=DKIM1; k=ed25519; p=OTHER=");
  EXPECT_EQ(rep.dkim_status(), CheckStatus::Mismatch);
}

TEST(Verify, SpfThroughNestedIncludesAndRedirect) {
  auto r = published();
  r.txt_records["example.com"] = {"google-site-verification=x",
                                  "v=spf1 ip4:192.0.2.1 include:_spf.corp.example -all"};
  r.txt_records["_spf.corp.example"] = {"v=spf1 redirect=_spf2.corp.example"};
  r.txt_records["_spf2.corp.example"] = {"v=spf1 a mx ?include:_SPF.relay.test. ~all"};
  EXPECT_EQ(verify_domain(domain(), r, "_spf.relay.test").spf.status, CheckStatus::Ok);
}

TEST(Verify, SpfWithoutTheRelayIsAMismatch) {
  auto r = published();
  r.txt_records["example.com"] = {"v=spf1 include:_spf.other.example ~all"};
  r.txt_records["_spf.other.example"] = {"v=spf1 include:example.com -all"};  // a loop
  auto spf = verify_domain(domain(), r, "_spf.relay.test").spf;
  EXPECT_EQ(spf.status, CheckStatus::Mismatch);
  EXPECT_EQ(spf.found, "v=spf1 include:_spf.other.example ~all");
  EXPECT_NE(spf.detail.find("does not include"), std::string::npos);
}

TEST(Verify, SpfBeyondTenLookups) {
  auto r = published();
  std::string rec = "v=spf1";
  for (int i = 0; i < 10; ++i) rec += " a:h" + std::to_string(i) + ".example";
  rec += " include:_spf.relay.test ~all";
  r.txt_records["example.com"] = {rec};
  auto spf = verify_domain(domain(), r, "_spf.relay.test").spf;
  EXPECT_EQ(spf.status, CheckStatus::Mismatch);
  EXPECT_NE(spf.detail.find("10 DNS lookups"), std::string::npos);
}

TEST(Verify, TwoSpfRecordsAreAMismatch) {
  auto r = published();
  r.txt_records["example.com"].push_back("v=spf1 -all");
  EXPECT_EQ(verify_domain(domain(), r, "_spf.relay.test").spf.status, CheckStatus::Mismatch);
}

TEST(Verify, DnsFailureIsReported) {
  auto r = published();
  r.failures["_dmarc.example.com"] = dns::Rcode::ServFail;
  auto dmarc = verify_domain(domain(), r, "_spf.relay.test").dmarc;
  EXPECT_EQ(dmarc.status, CheckStatus::Missing);
  EXPECT_NE(dmarc.detail.find("SERVFAIL"), std::string::npos);
}

}  // namespace
}  // namespace postern::dkim
