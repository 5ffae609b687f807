#include <gtest/gtest.h>

#include "queue/bounce.h"

using namespace postern::queue;

TEST(Bounce, StatusFromReply) {
  EXPECT_EQ(status_from_reply("550 5.1.1 <x@y>: Recipient address rejected", false), "5.1.1");
  EXPECT_EQ(status_from_reply("5.1.10 Recipient address has null MX", false), "5.1.10");
  EXPECT_EQ(status_from_reply("554 Transaction failed", false), "5.0.0");
  EXPECT_EQ(status_from_reply("451 try later", true), "4.4.7");
  EXPECT_EQ(status_from_reply("", true), "4.4.7");
}

TEST(Bounce, IsAnRfc3464ReportWithTheOriginalHeaders) {
  BounceInput in;
  in.hostname = "relay.test";
  in.queue_id = "Q1";
  in.original_sender = "app@example.test";
  in.arrival = 0;
  in.now = 1000;
  in.recipients = {{"bob@example.org", "5.1.1", "550 5.1.1 no such user", "mx.example.org", false},
                   {"eve@example.org", "4.4.7", "451 4.4.1 timeout", "", true}};
  std::string original = "Subject: hello\r\nFrom: app@example.test\r\n\r\nsecret body\r\n";
  in.original_message = original;
  std::string m = compose_bounce(in);
  EXPECT_NE(m.find("Content-Type: multipart/report; report-type=delivery-status;"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; relay.test\r\n"), std::string::npos);
  EXPECT_NE(m.find("Final-Recipient: rfc822; bob@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"
                   "Remote-MTA: dns; mx.example.org\r\nDiagnostic-Code: smtp; 550 5.1.1 no such user\r\n"),
            std::string::npos);
  EXPECT_NE(m.find("Final-Recipient: rfc822; eve@example.org\r\nAction: failed\r\nStatus: 4.4.7\r\n"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: text/rfc822-headers\r\n\r\nSubject: hello\r\nFrom: app@example.test\r\n"), std::string::npos);
  EXPECT_EQ(m.find("secret body"), std::string::npos);  // headers only
  EXPECT_NE(m.find("To: <app@example.test>\r\n"), std::string::npos);
  EXPECT_NE(m.find("Auto-Submitted: auto-replied\r\n"), std::string::npos);
  // Every line ends in CRLF.
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (m[i] == '\n') {
      ASSERT_TRUE(i > 0 && m[i - 1] == '\r');
    }
  }
}
