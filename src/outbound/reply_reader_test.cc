#include "outbound/reply_reader.h"

#include <gtest/gtest.h>

namespace postern::outbound {
namespace {

using Status = ReplyReader::Status;

TEST(ReplyReader, SingleLineWithEnhancedCode) {
  ReplyReader r;
  r.feed("250 2.1.0 Sender ok\r\n");
  auto n = r.next();
  ASSERT_EQ(n.status, Status::Complete);
  EXPECT_EQ(n.reply.code, 250);
  EXPECT_EQ(n.reply.enhanced, "2.1.0");
  EXPECT_EQ(n.reply.lines.at(0), "Sender ok");
  EXPECT_EQ(reply_summary(n.reply), "250 2.1.0 Sender ok");
}

TEST(ReplyReader, MultiLineAcrossFeeds) {
  ReplyReader r;
  r.feed("250-mx.example Hello\r\n250-PIPE");
  EXPECT_EQ(r.next().status, Status::NeedMore);
  r.feed("LINING\r\n250 STARTTLS\r\n220 next");
  auto n = r.next();
  ASSERT_EQ(n.status, Status::Complete);
  ASSERT_EQ(n.reply.lines.size(), 3u);
  EXPECT_EQ(n.reply.lines[1], "PIPELINING");
  EXPECT_EQ(r.next().status, Status::NeedMore);
  r.feed("\r\n");
  EXPECT_EQ(r.next().reply.code, 220);
}

TEST(ReplyReader, BareCodeAndPipelinedReplies) {
  ReplyReader r;
  r.feed("250\r\n354 go ahead\r\n");
  EXPECT_EQ(r.next().reply.code, 250);
  EXPECT_EQ(r.next().reply.code, 354);
  EXPECT_EQ(r.buffered(), 0u);
}

TEST(ReplyReader, BareLfIsMalformed) {
  ReplyReader r;
  r.feed("220 hello\n");
  EXPECT_EQ(r.next().status, Status::Malformed);
}

TEST(ReplyReader, BadCodesAreMalformed) {
  for (const char* bad : {"2x0 hi\r\n", "120 hi\r\n", "650 hi\r\n", "25\r\n", "250_x\r\n",
                          "250-a\r\n251 b\r\n", "250 a\rb\r\n", "\r\n"}) {
    ReplyReader r;
    r.feed(bad);
    EXPECT_EQ(r.next().status, Status::Malformed) << bad;
  }
}

TEST(ReplyReader, OverlongLineIsMalformedWithoutItsEnd) {
  ReplyReader r(ReplyLimits{100, 10});
  r.feed("250 " + std::string(200, 'x'));
  EXPECT_EQ(r.next().status, Status::Malformed);
}

TEST(ReplyReader, EndlessMultiLineIsMalformed) {
  ReplyReader r(ReplyLimits{100, 10});
  for (int i = 0; i < 11; ++i) r.feed("250-more\r\n");
  EXPECT_EQ(r.next().status, Status::Malformed);
}

TEST(ReplyReader, EnhancedCodeMustMatchClass) {
  ReplyReader r;
  r.feed("550 2.1.0 odd\r\n");
  auto n = r.next();
  EXPECT_EQ(n.reply.enhanced, "");
  EXPECT_EQ(n.reply.lines[0], "2.1.0 odd");
}

TEST(ReplyText, SanitisedAndBounded) {
  EXPECT_EQ(sanitize_reply_text("a\tb\x01\xff"), "a?b??");
  EXPECT_EQ(sanitize_reply_text(std::string(1000, 'x')).size(), 256u);
}

}  // namespace
}  // namespace postern::outbound
