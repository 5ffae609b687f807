#include "dkim/canonical.h"

#include <gtest/gtest.h>

#include <openssl/evp.h>

#include "base/encoding.h"

namespace postern::dkim {
namespace {

// RFC 6376 §3.4.5, the worked example.
TEST(RelaxedHeader, Rfc6376Example) {
  EXPECT_EQ(relaxed_header("A", " X"), "a:X\r\n");
  EXPECT_EQ(relaxed_header("B ", " Y\t\r\n\tZ  "), "b:Y Z\r\n");
}

TEST(RelaxedBody, Rfc6376Example) {
  EXPECT_EQ(relaxed_body(" C \r\nD \t E\r\n\r\n\r\n"), " C\r\nD E\r\n");
}

TEST(RelaxedHeader, LowerCasesNameKeepsValueCase) {
  EXPECT_EQ(relaxed_header("SuBjEcT", "  Hello   World  "), "subject:Hello World\r\n");
  EXPECT_EQ(relaxed_header("X", ""), "x:\r\n");
  EXPECT_EQ(relaxed_header("X", " \r\n \t"), "x:\r\n");
}

TEST(RelaxedHeader, UnfoldsBareLfToo) {
  EXPECT_EQ(relaxed_header("To", " a@b.example,\n c@d.example"), "to:a@b.example, c@d.example\r\n");
}

TEST(RelaxedBody, EmptyBodyStaysEmpty) {
  EXPECT_EQ(relaxed_body(""), "");
  EXPECT_EQ(relaxed_body("\r\n\r\n"), "");
  EXPECT_EQ(relaxed_body(" \t \r\n"), "");
}

TEST(RelaxedBody, AddsFinalCrlfAndKeepsInnerEmptyLines) {
  EXPECT_EQ(relaxed_body("a"), "a\r\n");
  EXPECT_EQ(relaxed_body("a\r\n\r\n\r\nb  \r\n\r\n"), "a\r\n\r\n\r\nb\r\n");
  EXPECT_EQ(relaxed_body("a\n \nb\n"), "a\r\n\r\nb\r\n");
}

TEST(RelaxedBody, LeadingWhitespaceBecomesOneSpace) {
  EXPECT_EQ(relaxed_body("\t\tx\t y"), " x y\r\n");
}

TEST(BodyHash, EmptyBodyIsSha256OfNothing) {
  EXPECT_EQ(base64_encode(relaxed_body_sha256("")),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
}

TEST(BodyHash, StreamingMatchesTheWholeCanonicalBody) {
  std::string body;
  for (int i = 0; i < 20000; ++i) body += "line " + std::to_string(i) + " \t with  spaces  \r\n";
  body += "\r\n\r\n";
  std::string whole = relaxed_body(body);
  unsigned char md[32];
  unsigned int len = 0;
  EVP_Digest(whole.data(), whole.size(), md, &len, EVP_sha256(), nullptr);
  EXPECT_EQ(relaxed_body_sha256(body), std::string(reinterpret_cast<char*>(md), len));
}

}  // namespace
}  // namespace postern::dkim
