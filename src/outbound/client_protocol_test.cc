#include "outbound/client_protocol.h"

#include <gtest/gtest.h>

#include "base/encoding.h"

namespace postern::outbound {
namespace {

TEST(DotStuff, LeadingDotsDoubled) {
  EXPECT_EQ(dot_stuff("a\r\n.b\r\n..c\r\n"), "a\r\n..b\r\n...c\r\n.\r\n");
  EXPECT_EQ(dot_stuff(".\r\n"), "..\r\n.\r\n");
}

TEST(DotStuff, FinalCrlfAdded) {
  EXPECT_EQ(dot_stuff("no newline"), "no newline\r\n.\r\n");
  EXPECT_EQ(dot_stuff("cr\r"), "cr\r\n.\r\n");
  EXPECT_EQ(dot_stuff(""), ".\r\n");
}

TEST(DotStuff, DotAfterBareLfStuffedToo) {
  EXPECT_EQ(dot_stuff("a\n.b\r\n"), "a\n..b\r\n.\r\n");
}

TEST(Ehlo, Capabilities) {
  smtp::Reply r{250, "", {"mx.example Hello", "PIPELINING", "SIZE 1000", "STARTTLS",
                          "8BITMIME", "smtputf8", "AUTH LOGIN PLAIN"}};
  auto caps = parse_ehlo(r);
  EXPECT_TRUE(caps.esmtp && caps.pipelining && caps.starttls && caps.eightbitmime &&
              caps.smtputf8 && caps.auth_plain);
  EXPECT_EQ(caps.size, 1000u);
  auto bare = parse_ehlo(smtp::Reply{250, "", {"STARTTLS"}});  // the first line is a greeting
  EXPECT_FALSE(bare.starttls);
  auto no_plain = parse_ehlo(smtp::Reply{250, "", {"x", "AUTH LOGIN CRAM-MD5", "SIZE x"}});
  EXPECT_FALSE(no_plain.auth_plain);
  EXPECT_EQ(no_plain.size, 0u);
}

TEST(Commands, MailFromParametersOnlyWhenOffered) {
  Capabilities none;
  EXPECT_EQ(mail_from_command("a@b", none, true, true, 10), "MAIL FROM:<a@b>\r\n");
  Capabilities all;
  all.size = 100;
  all.smtputf8 = all.eightbitmime = true;
  EXPECT_EQ(mail_from_command("", all, true, true, 10),
            "MAIL FROM:<> SIZE=10 BODY=8BITMIME SMTPUTF8\r\n");
  EXPECT_EQ(rcpt_to_command("x@y"), "RCPT TO:<x@y>\r\n");
}

TEST(Commands, AuthPlain) {
  auto cmd = auth_plain_command("user", "pass");
  ASSERT_EQ(cmd.rfind("AUTH PLAIN ", 0), 0u);
  auto token = cmd.substr(11, cmd.size() - 13);
  EXPECT_EQ(base64_decode(token), std::string("\0user\0pass", 10));
}

TEST(Outcomes, ByReplyClass) {
  EXPECT_EQ(outcome_of(smtp::Reply{250, "", {""}}), Outcome::Delivered);
  EXPECT_EQ(outcome_of(smtp::Reply{451, "", {""}}), Outcome::Transient);
  EXPECT_EQ(outcome_of(smtp::Reply{550, "", {""}}), Outcome::Permanent);
}

}  // namespace
}  // namespace postern::outbound
