#include "smtp/line_framer.h"

#include <gtest/gtest.h>

namespace postern::smtp {
namespace {

using Kind = LineFramer::Line::Kind;

std::vector<std::pair<Kind, std::string>> drain(LineFramer& f) {
  std::vector<std::pair<Kind, std::string>> out;
  while (auto l = f.next()) out.emplace_back(l->kind, l->text);
  return out;
}

TEST(LineFramer, SplitsCrlfLines) {
  LineFramer f;
  f.feed("EHLO x\r\nNOOP\r\nQU");
  EXPECT_TRUE(f.has_complete_line());
  auto lines = drain(f);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], std::make_pair(Kind::Ok, std::string("EHLO x")));
  EXPECT_EQ(lines[1].second, "NOOP");
  EXPECT_FALSE(f.has_complete_line());
  EXPECT_EQ(f.buffered(), 2u);
  f.feed("IT\r");
  EXPECT_FALSE(f.next());
  f.feed("\n");
  auto l = f.next();
  ASSERT_TRUE(l);
  EXPECT_EQ(l->text, "QUIT");
  EXPECT_EQ(f.buffered(), 0u);
}

TEST(LineFramer, ByteAtATime) {
  LineFramer f;
  std::string in = "MAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\n";
  std::vector<std::string> got;
  for (char c : in) {
    f.feed(std::string_view(&c, 1));
    while (auto l = f.next()) got.push_back(l->text);
  }
  EXPECT_EQ(got, (std::vector<std::string>{"MAIL FROM:<a@b.c>", "RCPT TO:<d@e.f>"}));
}

TEST(LineFramer, EmptyLine) {
  LineFramer f;
  f.feed("\r\n");
  auto l = f.next();
  ASSERT_TRUE(l);
  EXPECT_EQ(l->kind, Kind::Ok);
  EXPECT_EQ(l->text, "");
}

TEST(LineFramer, BareLineEndings) {
  LineFramer f;
  f.feed("NOOP\nRSET\r\nA\rB\r\nC\r\r\n\n");
  auto lines = drain(f);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], std::make_pair(Kind::BareLineEnding, std::string("NOOP")));
  EXPECT_EQ(lines[1], std::make_pair(Kind::Ok, std::string("RSET")));
  EXPECT_EQ(lines[2].first, Kind::BareLineEnding);  // CR not followed by LF
  EXPECT_EQ(lines[3].first, Kind::BareLineEnding);  // "C\r\r\n"
  EXPECT_EQ(lines[4].first, Kind::BareLineEnding);  // lone LF
  // A bare CR never ends a line: "A\rB" stayed one line.
  EXPECT_EQ(lines[2].second, "A\rB");
}

TEST(LineFramer, LimitIncludesCrlf) {
  LineFramer f(1000);
  f.feed(std::string(998, 'x') + "\r\n");
  auto l = f.next();
  ASSERT_TRUE(l);
  EXPECT_EQ(l->kind, Kind::Ok);
  EXPECT_EQ(l->text.size(), 998u);
  f.feed(std::string(999, 'x') + "\r\nNOOP\r\n");
  auto lines = drain(f);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].first, Kind::TooLong);
  EXPECT_EQ(lines[1], std::make_pair(Kind::Ok, std::string("NOOP")));
}

TEST(LineFramer, TooLongLineIsDroppedUnbufferedAndOrdered) {
  LineFramer f(100);
  f.feed("NOOP\r\nAB");
  for (int i = 0; i < 1000; ++i) f.feed(std::string(1024, 'y'));  // ~1 MiB, one line
  EXPECT_LE(f.buffered(), 100u);
  f.feed(std::string(10, 'y') + "\r\nRSET\r\n");
  auto lines = drain(f);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], std::make_pair(Kind::Ok, std::string("NOOP")));
  EXPECT_EQ(lines[1].first, Kind::TooLong);
  EXPECT_EQ(lines[2], std::make_pair(Kind::Ok, std::string("RSET")));
}

TEST(LineFramer, TooLongReportedOnceEvenIfConsumedMidway) {
  LineFramer f(10);
  f.feed(std::string(20, 'z'));
  auto l = f.next();
  ASSERT_TRUE(l);
  EXPECT_EQ(l->kind, Kind::TooLong);
  EXPECT_FALSE(f.next());
  f.feed(std::string(20, 'z'));  // still the same line
  EXPECT_FALSE(f.next());
  f.feed("zz\r\nQUIT\r\n");
  l = f.next();
  ASSERT_TRUE(l);
  EXPECT_EQ(l->text, "QUIT");
}

TEST(LineFramer, TwoLongLinesInOneFeed) {
  LineFramer f(10);
  f.feed(std::string(30, 'a') + "\r\n" + std::string(30, 'b') + "\r\nok\r\n");
  auto lines = drain(f);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].first, Kind::TooLong);
  EXPECT_EQ(lines[1].first, Kind::TooLong);
  EXPECT_EQ(lines[2].second, "ok");
}

TEST(LineFramer, TakeBufferedHandsOverRawBytes) {
  LineFramer f;
  f.feed("DATA\r\nSubject: x\n\r\nbody\r\n.\r\nQU");
  auto l = f.next();
  ASSERT_TRUE(l);
  EXPECT_EQ(l->text, "DATA");
  EXPECT_EQ(f.take_buffered(), "Subject: x\n\r\nbody\r\n.\r\nQU");
  EXPECT_EQ(f.buffered(), 0u);
  EXPECT_FALSE(f.next());
  f.feed("IT\r\n");
  EXPECT_EQ(f.next()->text, "IT");
}

TEST(LineFramer, DiscardBufferedForStarttls) {
  LineFramer f;
  f.feed("STARTTLS\r\nMAIL FROM:<evil@x.y>\r\n");
  EXPECT_EQ(f.next()->text, "STARTTLS");
  f.discard_buffered();
  EXPECT_FALSE(f.has_complete_line());
  EXPECT_EQ(f.buffered(), 0u);
  f.feed("EHLO x\r\n");
  EXPECT_EQ(f.next()->text, "EHLO x");
}

TEST(LineFramer, ManyLinesCompaction) {
  LineFramer f;
  std::string chunk;
  for (int i = 0; i < 20000; ++i) chunk += "NOOP " + std::to_string(i) + "\r\n";
  f.feed(chunk);
  int n = 0;
  std::string last;
  while (auto l = f.next()) {
    if (n < 20000) {
      ASSERT_EQ(l->text, "NOOP " + std::to_string(n));
    }
    last = l->text;
    ++n;
    if (n == 10000) f.feed("RSET\r\n");  // appended while the buffer is half consumed
  }
  EXPECT_EQ(n, 20001);
  EXPECT_EQ(last, "RSET");
}

}  // namespace
}  // namespace postern::smtp
