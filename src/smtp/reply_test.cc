#include "smtp/reply.h"

#include <gtest/gtest.h>

#include "smtp/replies.h"

namespace postern::smtp {
namespace {

TEST(Reply, WireSingleLine) {
  EXPECT_EQ(make_reply(535, "5.7.8", "Authentication failed").wire(),
            "535 5.7.8 Authentication failed\r\n");
  EXPECT_EQ(replies::greeting("mx.example").wire(), "220 mx.example ESMTP Postern\r\n");
}

TEST(Reply, WireMultiLineRepeatsEnhancedCode) {
  Reply r{250, "2.0.0", {"a", "b", "c"}};
  EXPECT_EQ(r.wire(), "250-2.0.0 a\r\n250-2.0.0 b\r\n250 2.0.0 c\r\n");
  EXPECT_EQ(r.first_line(), "250-2.0.0 a");
  Reply e{250, "", {"host", "PIPELINING"}};
  EXPECT_EQ(e.wire(), "250-host\r\n250 PIPELINING\r\n");
}

TEST(Reply, EmptyChallengeKeepsSpace) {
  EXPECT_EQ(replies::auth_challenge("").wire(), "334 \r\n");  // RFC 4954 §4: "334" SP
  EXPECT_EQ(replies::auth_challenge("VXNlcm5hbWU6").wire(), "334 VXNlcm5hbWU6\r\n");
}

TEST(Reply, CodeZeroIsNothing) {
  EXPECT_EQ(Reply{}.wire(), "");
  EXPECT_EQ(Reply{}.first_line(), "");
}

TEST(Reply, NoLineBreakInjection) {
  Reply r = replies::suppressed("a@b\r\n250 OK");
  EXPECT_EQ(r.wire(), "550 5.1.1 [SUPPRESSED] a@b  250 OK\r\n");
}

TEST(Reply, ContractTexts) {
  EXPECT_EQ(replies::acl_blocked("example.com", "R1").first_line(),
            "550 5.7.1 [ACL] Blocked. Sender domain example.com is not permitted for this SMTP "
            "user (ref R1)");
  EXPECT_EQ(replies::lockdown_blocked("example.com", "R2").first_line(),
            "550 5.7.1 [LOCKDOWN] Blocked. example.com only allows other SMTP users (ref R2)");
  EXPECT_EQ(replies::rate_limited().first_line(),
            "421 4.7.1 Rate limit exceeded. Try again later.");
  EXPECT_EQ(replies::encryption_required().first_line(),
            "538 5.7.11 Encryption required for requested authentication mechanism");
  EXPECT_EQ(replies::queued("Q1").first_line(), "250 2.0.0 OK Message queued as Q1");
  EXPECT_EQ(replies::already_queued("Q1").first_line(),
            "250 2.0.0 OK Message already queued as Q1");
  EXPECT_EQ(replies::shutting_down("h").first_line(), "421 4.4.2 h closing connection");
  EXPECT_EQ(replies::invalid_scheduled_at().first_line(), "554 5.6.0 Invalid X-Scheduled-At");
}

}  // namespace
}  // namespace postern::smtp
