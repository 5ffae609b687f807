#include "policy/spf_authorization.h"

#include <gtest/gtest.h>

#include "policy/testing/fake_resolver.h"

namespace postern::policy {
namespace {

using testing::FakeResolver;

class SpfTest : public ::testing::Test {
 protected:
  SpfVerdict verdict(const std::string& domain) { return spf_.check(domain).verdict; }
  FakeResolver dns_;
  SpfAuthorization spf_{dns_, "_spf.relay.example."};
};

TEST_F(SpfTest, DirectInclude) {
  dns_.set_txt("a.example", {"some other txt", "v=spf1 ip4:192.0.2.0/24 include:_SPF.relay.example ~all"});
  EXPECT_EQ(verdict("a.example"), SpfVerdict::Authorised);
  EXPECT_EQ(verdict("A.Example."), SpfVerdict::Authorised);
}

TEST_F(SpfTest, NestedIncludeAndRedirect) {
  dns_.set_txt("a.example", {"v=spf1 include:spf.provider.example -all"});
  dns_.set_txt("spf.provider.example", {"v=spf1 include:other.example include:_spf.relay.example"});
  dns_.set_txt("other.example", {"v=spf1 ip4:198.51.100.1 -all"});
  EXPECT_EQ(verdict("a.example"), SpfVerdict::Authorised);
  dns_.set_txt("r.example", {"v=spf1 redirect=spf.provider.example"});
  EXPECT_EQ(verdict("r.example"), SpfVerdict::Authorised);
  dns_.set_txt("r2.example", {"v=spf1 mx redirect=_spf.relay.example"});
  EXPECT_EQ(verdict("r2.example"), SpfVerdict::Authorised);
}

TEST_F(SpfTest, NotAuthorised) {
  EXPECT_EQ(verdict("none.example"), SpfVerdict::NotAuthorised);  // NXDOMAIN
  dns_.set_txt("b.example", {"v=spf1 include:elsewhere.example -all"});
  EXPECT_EQ(verdict("b.example"), SpfVerdict::NotAuthorised);
  dns_.set_txt("c.example", {"v=spf1 -all include:_spf.relay.example"});  // after "all"
  EXPECT_EQ(verdict("c.example"), SpfVerdict::NotAuthorised);
  dns_.set_txt("d.example", {"v=spf1 -include:_spf.relay.example ~all"});  // fail qualifier
  EXPECT_EQ(verdict("d.example"), SpfVerdict::NotAuthorised);
  dns_.set_txt("e.example", {"v=spf1 include:_spf.relay.example", "v=spf1 -all"});  // two
  EXPECT_EQ(verdict("e.example"), SpfVerdict::NotAuthorised);
  dns_.set_txt("f.example", {"v=spf1 all redirect=_spf.relay.example"});  // all wins
  EXPECT_EQ(verdict("f.example"), SpfVerdict::NotAuthorised);
  dns_.set_txt("g.example", {"v=spf10 include:_spf.relay.example"});  // not an SPF record
  EXPECT_EQ(verdict("g.example"), SpfVerdict::NotAuthorised);
}

TEST_F(SpfTest, TenLookupLimit) {
  // Nine other DNS terms, then the include: the 10th lookup, still within the limit.
  dns_.set_txt("ok.example", {"v=spf1 a mx ptr exists:x.example a a a a a include:_spf.relay.example"});
  EXPECT_EQ(verdict("ok.example"), SpfVerdict::Authorised);
  dns_.set_txt("over.example", {"v=spf1 a mx ptr exists:x.example a a a a a a include:_spf.relay.example"});
  EXPECT_EQ(verdict("over.example"), SpfVerdict::NotAuthorised);
  EXPECT_NE(spf_.check("over.example").detail.find("10 DNS lookups"), std::string::npos);
  // An include loop ends at the limit.
  dns_.set_txt("loop.example", {"v=spf1 include:loop.example"});
  EXPECT_EQ(verdict("loop.example"), SpfVerdict::NotAuthorised);
  // Nested chain deeper than 10.
  for (int i = 0; i < 12; ++i)
    dns_.set_txt("n" + std::to_string(i) + ".example",
                 {"v=spf1 include:n" + std::to_string(i + 1) + ".example"});
  dns_.set_txt("n12.example", {"v=spf1 include:_spf.relay.example"});
  EXPECT_EQ(verdict("n0.example"), SpfVerdict::NotAuthorised);
  EXPECT_EQ(verdict("n3.example"), SpfVerdict::Authorised);  // 9 includes + ours = 10
}

TEST_F(SpfTest, DnsFailureIsTemporary) {
  dns_.fail("t.example");
  EXPECT_EQ(verdict("t.example"), SpfVerdict::TempError);
  dns_.set_txt("u.example", {"v=spf1 include:t.example -all"});
  EXPECT_EQ(verdict("u.example"), SpfVerdict::TempError);
}

TEST(SpfAuthorization, NoIncludeHostAuthorisesNothing) {
  FakeResolver dns;
  dns.set_txt("a.example", {"v=spf1 include:_spf.relay.example"});
  SpfAuthorization spf(dns, "");
  EXPECT_EQ(spf.check("a.example").verdict, SpfVerdict::NotAuthorised);
}

}  // namespace
}  // namespace postern::policy
