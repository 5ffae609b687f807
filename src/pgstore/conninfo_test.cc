// ConnInfo (URL parsing, password redaction) and valid_utf8: no database needed.
#include "pgstore/conninfo.h"

#include <gtest/gtest.h>

#include "pgstore/connection.h"

namespace postern::pgstore {
namespace {

TEST(ConnInfo, ParsesLibpqUris) {
  auto info = ConnInfo::parse("postgresql://postern:s3cret@db.example:6432/relay?sslmode=require");
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->get("host"), "db.example");
  EXPECT_EQ(info->get("port"), "6432");
  EXPECT_EQ(info->get("dbname"), "relay");
  EXPECT_EQ(info->get("user"), "postern");
  EXPECT_EQ(info->get("sslmode"), "require");
  EXPECT_EQ(info->get("password"), "s3cret");
  EXPECT_FALSE(info->get("application_name").has_value());
  EXPECT_EQ(info->describe(), "postern@db.example:6432/relay");
  EXPECT_TRUE(ConnInfo::parse("postgres://localhost/x").ok());
}

TEST(ConnInfo, RefusesOtherSchemesAndBadUrisWithoutQuotingThem) {
  for (const char* url : {"sqlite:/var/x.db", "host=db password=s3cret", "mysql://u:s3cret@h/d",
                          "postgresql://u:s3cret@[::1/d", "postgresql://u:s3cret@h/d?bogus=1"}) {
    auto info = ConnInfo::parse(url);
    ASSERT_FALSE(info.ok()) << url;
    EXPECT_EQ(info.error().message.find("s3cret"), std::string::npos) << info.error().message;
    EXPECT_NE(info.error().message.find("postgresql://"), std::string::npos);
  }
}

TEST(ConnInfo, RedactsThePasswordEverywhere) {
  auto info = ConnInfo::parse("postgresql://u:p%40ss@h/d");  // percent-decoded: "p@ss"
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->redact("auth p@ss failed for p@ss"), "auth *** failed for ***");
  auto none = ConnInfo::parse("postgresql://h/d");
  EXPECT_EQ(none->redact("unchanged"), "unchanged");
}

TEST(ValidUtf8, KeepsValidTextAndReplacesTheRest) {
  EXPECT_EQ(valid_utf8("plain ascii"), "plain ascii");
  EXPECT_EQ(valid_utf8("caf\xC3\xA9 \xF0\x9F\x93\xA7"), "caf\xC3\xA9 \xF0\x9F\x93\xA7");
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(valid_utf8("a\xFF" "b"), "a" + fffd + "b");
  EXPECT_EQ(valid_utf8(std::string("a\0b", 3)), "a" + fffd + "b");
  EXPECT_EQ(valid_utf8("\xC0\xAF"), fffd + fffd);           // overlong '/'
  EXPECT_EQ(valid_utf8("\xED\xA0\x80"), fffd + fffd + fffd);  // surrogate
  EXPECT_EQ(valid_utf8("\xE2\x82"), fffd + fffd);            // truncated
  EXPECT_EQ(valid_utf8("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // > U+10FFFF
}

TEST(Param, IntegersAreTypedInt8AndStringsInferred) {
  Param n(std::int64_t{1} << 40);
  EXPECT_EQ(n.text(), "1099511627776");
  EXPECT_EQ(n.type(), 20u);
  Param s("text");
  EXPECT_EQ(s.text(), "text");
  EXPECT_EQ(s.type(), 0u);
  EXPECT_FALSE(Param(std::nullopt).text().has_value());
  EXPECT_FALSE(Param(std::optional<std::string>{}).text().has_value());
  EXPECT_EQ(Param::boolean(true).text(), "true");
}

}  // namespace
}  // namespace postern::pgstore
