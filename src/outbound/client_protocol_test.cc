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

TEST(DotStuff, BareCrAndLfBecomeCrlf) {
  EXPECT_EQ(dot_stuff("a\n.b\r\n"), "a\r\n..b\r\n.\r\n");
  EXPECT_EQ(dot_stuff("a\rb\nc\r\r\nd\n\re"), "a\r\nb\r\nc\r\n\r\nd\r\n\r\ne\r\n.\r\n");
  EXPECT_EQ(dot_stuff("\n"), "\r\n.\r\n");
  EXPECT_EQ(dot_stuff("\r"), "\r\n.\r\n");
}

// True when `wire` holds only CRLF line ends and every line but the final "." is dot-stuffed.
bool one_message(const std::string& wire) {
  for (std::size_t i = 0; i < wire.size(); ++i) {
    if (wire[i] == '\r' && (i + 1 == wire.size() || wire[i + 1] != '\n')) return false;
    if (wire[i] == '\n' && (i == 0 || wire[i - 1] != '\r')) return false;
  }
  if (!wire.ends_with("\r\n.\r\n") && wire != ".\r\n") return false;
  std::size_t end = wire.size() - 3;  // the final ".\r\n"
  for (std::size_t start = 0; start < end; start = wire.find("\r\n", start) + 2)
    if (wire[start] == '.' && (start + 1 >= end || wire[start + 1] != '.')) return false;
  return true;
}

// SMTP smuggling (CVE-2023-51764 and kin): a message whose body holds an end of data that
// some receiver would honour, followed by a second transaction.
TEST(DotStuff, SmugglingVariantsLeaveOneEndOfData) {
  const std::string smuggled = "MAIL FROM:<evil@x>\r\nRCPT TO:<victim@y>\r\nDATA\r\nevil\r\n";
  for (std::string end : {"\n.\n", "\r\n.\n", "\n.\r\n", "\r.\r", "\r\n.\r", "\r.\r\n",
                          "\r\n.\r\n"}) {
    std::string wire = dot_stuff("Subject: x\r\n\r\nbody" + end + smuggled);
    EXPECT_TRUE(one_message(wire)) << testing::PrintToString(end) << " -> "
                                   << testing::PrintToString(wire);
    EXPECT_EQ(wire.find("\r\n.\r\n"), wire.size() - 5) << testing::PrintToString(end);
    // What a lax receiver would take for the end, before the real one.
    std::string before_end = wire.substr(0, wire.size() - 3);
    for (std::string vulnerable : {"\n.\n", "\r.\r", "\n.\r\n", "\r\n.\n", "\r\n.\r"})
      EXPECT_EQ(before_end.find(vulnerable), std::string::npos)
          << testing::PrintToString(end) << " has " << testing::PrintToString(vulnerable);
  }
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
