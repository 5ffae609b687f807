#include <gtest/gtest.h>

#include "dkim/from_domain.h"
#include "dkim/message.h"

namespace postern::dkim {
namespace {

TEST(ParseMessage, FieldsFoldsAndBody) {
  std::string msg =
      "Received: from x\r\n\tby y\r\nFrom : Ann <ann@example.com>\r\nSubject: hi\r\n"
      "\r\nbody line\r\n";
  ParsedMessage m = parse_message(msg);
  ASSERT_EQ(m.headers.size(), 3u);
  EXPECT_EQ(m.headers[0].name, "Received");
  EXPECT_EQ(m.headers[0].value, " from x\r\n\tby y");
  EXPECT_EQ(m.headers[1].name, "From");
  EXPECT_EQ(m.headers[1].value, " Ann <ann@example.com>");
  EXPECT_EQ(m.body, "body line\r\n");
}

TEST(ParseMessage, BareLfAndNoBody) {
  ParsedMessage m = parse_message("A: 1\nB: 2\n");
  ASSERT_EQ(m.headers.size(), 2u);
  EXPECT_EQ(m.headers[1].value, " 2");
  EXPECT_EQ(m.body, "");
  EXPECT_EQ(parse_message("A: 1\n\nx").body, "x");
}

TEST(ParseMessage, SkipsLinesWithoutColon) {
  ParsedMessage m = parse_message("garbage line\r\nA: 1\r\n\r\n");
  ASSERT_EQ(m.headers.size(), 1u);
  EXPECT_EQ(m.headers[0].name, "A");
}

TEST(ParseMessage, SingleField) {
  ParsedMessage m = parse_message("FROM: a@b.example\r\nTo: x\r\nTo: y\r\n\r\n");
  EXPECT_EQ(single_field(m, "from").value_or(""), " a@b.example");
  EXPECT_FALSE(single_field(m, "to"));
  EXPECT_FALSE(single_field(m, "cc"));
}

TEST(FromDomain, CommonForms) {
  EXPECT_EQ(from_domain(" ann@Example.COM").value_or(""), "example.com");
  EXPECT_EQ(from_domain(" Ann Smith <ann@example.com>").value_or(""), "example.com");
  EXPECT_EQ(from_domain(" \"Smith, Ann\" <ann@example.com>").value_or(""), "example.com");
  EXPECT_EQ(from_domain(" \"ann@evil.test\" <ann@example.com>").value_or(""), "example.com");
  EXPECT_EQ(from_domain(" ann@example.com (Ann @ evil.test)").value_or(""), "example.com");
  EXPECT_EQ(from_domain(" (c) Ann\r\n <ann@example.com>").value_or(""), "example.com");
  EXPECT_EQ(from_domain(" \"a\\\"b@c\"@example.com").value_or(""), "example.com");
  EXPECT_EQ(from_domain(" =?utf-8?q?J=C3=BCrgen?= <j@mail.example.org.>").value_or(""),
            "mail.example.org");
  EXPECT_EQ(from_domain(" ann@example.com, bob@example.com").value_or(""), "example.com");
  EXPECT_EQ(from_domain(" Team: ann@example.com, bob@example.com;").value_or(""), "example.com");
}

TEST(FromDomain, RefusesWhatItCannotReadSafely) {
  EXPECT_FALSE(from_domain(""));
  EXPECT_FALSE(from_domain(" Ann"));
  EXPECT_FALSE(from_domain(" ann@[192.0.2.1]"));
  EXPECT_FALSE(from_domain(" ann@example.com, bob@other.example"));
  EXPECT_FALSE(from_domain(" \"unterminated <ann@example.com>"));
  EXPECT_FALSE(from_domain(" (unterminated ann@example.com"));
  EXPECT_FALSE(from_domain(" <ann@example.com"));
  EXPECT_FALSE(from_domain(" ann@exa_mple.com"));
  EXPECT_FALSE(from_domain(" ann@localhost"));
}

TEST(FromDomain, MessageWithTwoFromFieldsIsNotSigned) {
  EXPECT_FALSE(from_domain(parse_message("From: a@x.example\r\nFrom: b@x.example\r\n\r\n")));
  EXPECT_EQ(from_domain(parse_message("from: a@x.example\r\n\r\n")).value_or(""), "x.example");
  EXPECT_FALSE(from_domain(parse_message("To: a@x.example\r\n\r\n")));
}

}  // namespace
}  // namespace postern::dkim
