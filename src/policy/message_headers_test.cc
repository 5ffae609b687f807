#include "policy/message_headers.h"

#include <gtest/gtest.h>

namespace postern::policy {
namespace {

TEST(MessageHeaders, ParsesAndUnfoldsFields) {
  const std::string m =
      "From: Alice\r\n <alice@example.com>\r\nSubject:  hi \r\nX-Key:\tv1\r\n\tv2\r\n\r\nbody\r\n";
  auto f = parse_header_fields(m);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].name, "From");
  EXPECT_EQ(f[0].value, "Alice <alice@example.com>");
  EXPECT_EQ(f[1].value, "hi");
  EXPECT_EQ(f[2].value, "v1\tv2");
  EXPECT_EQ(message_body(m), "body\r\n");
}

TEST(MessageHeaders, LookupIsCaseInsensitiveAndKeepsEveryField) {
  auto f = parse_header_fields("from: a@x.example\r\nFROM : b@y.example\r\n\r\n");
  EXPECT_EQ(header_values(f, "From"), (std::vector<std::string>{"a@x.example", "b@y.example"}));
}

TEST(MessageHeaders, MalformedLinesAreSkippedNotTheEndOfTheHeader) {
  // A garbage line must not hide a later From: from the checks.
  auto f = parse_header_fields("Subject: x\r\ngarbage line\r\nFrom: evil@victim.example\r\n\r\n");
  EXPECT_EQ(header_values(f, "from"), std::vector<std::string>{"evil@victim.example"});
}

TEST(MessageHeaders, HeaderSectionEndsAtTheFirstEmptyLine) {
  const std::string m = "Subject: x\r\n\r\nFrom: not-a-header@x.example\r\n";
  EXPECT_TRUE(header_values(parse_header_fields(m), "From").empty());
  EXPECT_EQ(message_body("Subject: x\r\n"), "");
  EXPECT_EQ(message_body("\r\nonly body"), "only body");
}

TEST(MessageHeaders, StripRemovesFieldsWithContinuationsOnlyInTheHeader) {
  std::string m =
      "X-Idempotency-Key: abc\r\n  def\r\nSubject: s\r\nx-scheduled-at: now\r\n\r\n"
      "X-Idempotency-Key: in body\r\n";
  EXPECT_EQ(strip_header_fields(m, {"X-Idempotency-Key", "X-Scheduled-At"}), 2);
  EXPECT_EQ(m, "Subject: s\r\n\r\nX-Idempotency-Key: in body\r\n");
}

}  // namespace
}  // namespace postern::policy
