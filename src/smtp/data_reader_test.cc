#include "smtp/data_reader.h"

#include <gtest/gtest.h>

namespace postern::smtp {
namespace {

struct Read {
  DataResult result;
  std::string body;
  std::size_t consumed;
  bool done;
};

Read read_all(std::string_view in, std::size_t max = 1 << 20) {
  std::string body;
  DataReader r(max, body);
  std::size_t consumed = r.feed(in);
  return {r.done() ? r.result() : DataResult::Complete, body, consumed, r.done()};
}

TEST(DataReader, SimpleMessage) {
  std::string in = "Subject: hi\r\n\r\nHello\r\n.\r\nQUIT\r\n";
  auto r = read_all(in);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.result, DataResult::Complete);
  EXPECT_EQ(r.body, "Subject: hi\r\n\r\nHello\r\n");
  EXPECT_EQ(in.substr(r.consumed), "QUIT\r\n");
}

TEST(DataReader, EmptyMessageAtFirstLine) {
  auto r = read_all(".\r\nNOOP\r\n");
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.consumed, 3u);
}

TEST(DataReader, DotStuffing) {
  auto r = read_all("..leading\r\n...\r\n.x\r\nmid.dle\r\n..\r\n.\r\n");
  EXPECT_EQ(r.result, DataResult::Complete);
  EXPECT_EQ(r.body, ".leading\r\n..\r\nx\r\nmid.dle\r\n.\r\n");
}

TEST(DataReader, NotDoneWithoutTerminator) {
  auto r = read_all("line\r\n.\r");
  EXPECT_FALSE(r.done);
  EXPECT_EQ(r.consumed, 8u);
}

// Every SMTP smuggling variant: none of them terminates, each fails the message, and the
// reader stays in step until the real CRLF.CRLF.
TEST(DataReader, SmugglingVariantsDoNotTerminate) {
  for (std::string fake : {"\n.\n", "\r\n.\n", "\n.\r\n", "\r.\r", "\r.\r\n", "\r\n.\r",
                           "\n.\r\r\n", "\r\n.\r\r\n"}) {
    std::string in = "Subject: x\r\n\r\nbody" + fake + "MAIL FROM:<evil@x.y>\r\n.\r\nNEXT";
    auto r = read_all(in);
    EXPECT_TRUE(r.done) << testing::PrintToString(fake);
    EXPECT_EQ(r.result, DataResult::BareLineEnding) << testing::PrintToString(fake);
    EXPECT_EQ(in.substr(r.consumed), "NEXT") << testing::PrintToString(fake);
  }
}

TEST(DataReader, BareCrBareLfNul) {
  EXPECT_EQ(read_all("a\rb\r\n.\r\n").result, DataResult::BareLineEnding);
  EXPECT_EQ(read_all("a\nb\r\n.\r\n").result, DataResult::BareLineEnding);
  EXPECT_EQ(read_all(std::string("a\0b\r\n.\r\n", 8)).result, DataResult::BareLineEnding);
  EXPECT_EQ(read_all("a\r\r\n.\r\n").result, DataResult::BareLineEnding);
  EXPECT_EQ(read_all("\n.\r\n.\r\n").result, DataResult::BareLineEnding);
  EXPECT_EQ(read_all(".\n.\r\n.\r\n").result, DataResult::BareLineEnding);
  EXPECT_EQ(read_all(".\ra\r\n.\r\n").result, DataResult::BareLineEnding);
}

TEST(DataReader, LineLength) {
  auto ok = read_all(std::string(998, 'x') + "\r\n.\r\n");
  EXPECT_EQ(ok.result, DataResult::Complete);
  EXPECT_EQ(ok.body.size(), 1000u);
  EXPECT_EQ(read_all(std::string(999, 'x') + "\r\n.\r\n").result, DataResult::LineTooLong);
  // The transparency dot counts: it is on the wire and goes out again on relay.
  EXPECT_EQ(read_all("." + std::string(998, 'x') + "\r\n.\r\n").result, DataResult::LineTooLong);
  EXPECT_EQ(read_all("." + std::string(997, 'x') + "\r\n.\r\n").result, DataResult::Complete);
}

TEST(DataReader, LineLengthAcrossFeeds) {
  std::string body;
  DataReader r(1 << 20, body);
  for (int i = 0; i < 999; ++i) r.feed("x");
  r.feed("\r\n.\r\n");
  ASSERT_TRUE(r.done());
  EXPECT_EQ(r.result(), DataResult::LineTooLong);
}

TEST(DataReader, SizeLimit) {
  EXPECT_EQ(read_all("12345678\r\n.\r\n", 10).result, DataResult::Complete);
  EXPECT_EQ(read_all("123456789\r\n.\r\n", 10).result, DataResult::TooLarge);
}

TEST(DataReader, HugeStreamStaysBounded) {
  std::string body;
  DataReader r(1000, body);
  std::string chunk;
  for (int i = 0; i < 1000; ++i) chunk += std::string(70, 'm') + "\r\n";
  for (int i = 0; i < 200 && !r.done(); ++i) r.feed(chunk);  // ~14 MB
  EXPECT_FALSE(r.done());
  EXPECT_LE(body.size(), 1000u);
  std::string tail = ".\r\nQUIT\r\n";
  EXPECT_EQ(r.feed(tail), 3u);
  ASSERT_TRUE(r.done());
  EXPECT_EQ(r.result(), DataResult::TooLarge);
}

TEST(DataReader, Precedence) {
  // BareLineEnding > TooLarge > LineTooLong, whatever the order they happen in.
  EXPECT_EQ(read_all(std::string(1200, 'x') + "\r\na\nb\r\n.\r\n", 500).result,
            DataResult::BareLineEnding);
  EXPECT_EQ(read_all(std::string(1200, 'x') + "\r\n.\r\n", 500).result, DataResult::TooLarge);
  EXPECT_EQ(read_all("a\nb" + std::string(1200, 'x') + "\r\n.\r\n", 500).result,
            DataResult::BareLineEnding);
  EXPECT_EQ(read_all(std::string(1200, 'x') + "\r\n.\r\n").result, DataResult::LineTooLong);
}

TEST(DataReader, TerminatorSplitAtEveryOffset) {
  const std::string in = "Subject: t\r\n\r\n..dot\r\nbody\r\n.\r\nQUIT\r\n";
  const std::string expected = "Subject: t\r\n\r\n.dot\r\nbody\r\n";
  for (std::size_t cut = 0; cut <= in.size(); ++cut) {
    for (std::size_t cut2 = cut; cut2 <= in.size(); cut2 += 3) {
      std::string body;
      DataReader r(1 << 20, body);
      std::size_t consumed = r.feed(std::string_view(in).substr(0, cut));
      if (!r.done()) consumed += r.feed(std::string_view(in).substr(cut, cut2 - cut));
      if (!r.done()) consumed += r.feed(std::string_view(in).substr(cut2));
      ASSERT_TRUE(r.done()) << cut << "/" << cut2;
      EXPECT_EQ(r.result(), DataResult::Complete) << cut << "/" << cut2;
      EXPECT_EQ(body, expected) << cut << "/" << cut2;
      EXPECT_EQ(in.substr(consumed), "QUIT\r\n") << cut << "/" << cut2;
    }
  }
}

TEST(DataReader, SmugglingSplitAtEveryOffset) {
  const std::string in = "a\r\n.\nb\n.\r\nc\r.\r\n\r\n.\r\nX";
  for (std::size_t cut = 0; cut <= in.size(); ++cut) {
    std::string body;
    DataReader r(1 << 20, body);
    std::size_t consumed = r.feed(std::string_view(in).substr(0, cut));
    if (!r.done()) consumed += r.feed(std::string_view(in).substr(cut));
    ASSERT_TRUE(r.done()) << cut;
    EXPECT_EQ(r.result(), DataResult::BareLineEnding) << cut;
    EXPECT_EQ(in.substr(consumed), "X") << cut;
  }
}

TEST(DataReader, ByteAtATimeEqualsOneShot) {
  const std::string in = "A: b\r\n\r\n..x\r\n\r\n.\r\n";
  std::string body;
  DataReader r(1 << 20, body);
  std::size_t i = 0;
  while (!r.done() && i < in.size()) i += r.feed(std::string_view(in).substr(i, 1));
  ASSERT_TRUE(r.done());
  EXPECT_EQ(i, in.size());
  EXPECT_EQ(body, "A: b\r\n\r\n.x\r\n\r\n");
}

}  // namespace
}  // namespace postern::smtp
