#include "dkim/signature.h"

#include <gtest/gtest.h>

#include "dkim/canonical.h"
#include "dkim/testing/dkim_check.h"
#include "storage/testing/temp_dir.h"

namespace postern::dkim {
namespace {

using storage::DkimAlgorithm;

const char* kMessage =
    "Received: from client by relay\r\n"
    "From: \"Ann\" <ann@example.com>\r\n"
    "To: bob@example.net,\r\n carol@example.net\r\n"
    "Subject:   Hello    there  \r\n"
    "Date: Fri, 27 Nov 2026 19:02:11 +0000\r\n"
    "Message-ID: <1@example.com>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "X-Mailer: test\r\n"
    "\r\n"
    "Hello Bob,  \r\n\r\nbye\r\n\r\n";

struct Keys {
  storage::testing::TempDir dir;
  KeyStore store{dir.path().string()};
  SigningKey key(DkimAlgorithm a, std::string& pub) {
    auto sel = store.generate("example.com", a, 1'800'000'000'000);
    EXPECT_TRUE(sel.ok());
    pub = sel->public_key;
    auto k = store.load("example.com", sel->selector);
    EXPECT_TRUE(k.ok());
    return {"example.com", sel->selector, a, k.value()};
  }
};

std::string signed_message(const SigningKey& k, const std::string& msg) {
  ParsedMessage m = parse_message(msg);
  auto sig = make_signature(m, k, relaxed_body_sha256(m.body), 1'800'000'000);
  EXPECT_TRUE(sig.ok()) << (sig.ok() ? "" : sig.error().message);
  return sig.value() + msg;
}

TEST(SignedHeaders, PresentFieldsInOrderPlusOverSignedFrom) {
  auto names = signed_header_names(parse_message(kMessage));
  std::vector<std::string> want = {"from", "to", "subject", "date", "message-id",
                                   "mime-version", "content-type", "from"};
  EXPECT_EQ(names, want);
}

TEST(SignedHeaders, RepeatedFieldsTakenBottomUp) {
  ParsedMessage m = parse_message("To: a\r\nFrom: f\r\nTo: b\r\n\r\n");
  auto names = signed_header_names(m);
  EXPECT_EQ(names, (std::vector<std::string>{"from", "to", "to", "from"}));
  // The second "from" has no instance left: it contributes nothing (RFC 6376 §5.4.2).
  EXPECT_EQ(canonical_signed_headers(m, names), "from:f\r\nto:b\r\nto:a\r\n");
}

class SignatureTest : public ::testing::TestWithParam<DkimAlgorithm> {};

TEST_P(SignatureTest, RoundTripVerifiesWithOpenSsl) {
  Keys keys;
  std::string pub;
  SigningKey k = keys.key(GetParam(), pub);
  std::string msg = signed_message(k, kMessage);
  EXPECT_EQ(testing::verify_signature(msg, pub), "");
  ParsedMessage m = parse_message(msg);
  ASSERT_EQ(m.headers[0].name, "DKIM-Signature");
  auto v = m.headers[0].value;
  EXPECT_EQ(testing::tag_of(v, "c"), "relaxed/relaxed");
  EXPECT_EQ(testing::tag_of(v, "a"),
            GetParam() == DkimAlgorithm::Rsa ? "rsa-sha256" : "ed25519-sha256");
  EXPECT_EQ(testing::tag_of(v, "d"), "example.com");
  EXPECT_EQ(testing::tag_of(v, "t"), "1800000000");
  EXPECT_EQ(testing::tag_of(v, "l"), "");
}

TEST_P(SignatureTest, FoldedToAtMost78Octets) {
  Keys keys;
  std::string pub;
  std::string msg = signed_message(keys.key(GetParam(), pub), kMessage);
  std::string field = msg.substr(0, msg.find("\r\nReceived:") + 2);
  std::size_t pos = 0;
  int lines = 0;
  while (pos < field.size()) {
    std::size_t end = field.find("\r\n", pos);
    EXPECT_LE(end - pos, 78u) << field.substr(pos, end - pos);
    if (lines++ > 0) {
      EXPECT_EQ(field[pos], ' ');
    }
    pos = end + 2;
  }
  EXPECT_GT(lines, 2);
}

TEST_P(SignatureTest, TamperingFailsVerification) {
  Keys keys;
  std::string pub;
  std::string msg = signed_message(keys.key(GetParam(), pub), kMessage);
  std::string body = msg;
  body.replace(body.find("Hello Bob"), 5, "Hallo");
  EXPECT_EQ(testing::verify_signature(body, pub), "body hash mismatch");
  std::string subject = msg;
  subject.replace(subject.find("Hello    there"), 5, "HELLO");
  EXPECT_EQ(testing::verify_signature(subject, pub), "signature mismatch");
  // A second From added on top (over-signing catches it).
  std::string from = msg;
  from.insert(from.find("Received:"), "From: mallory@evil.test\r\n");
  EXPECT_EQ(testing::verify_signature(from, pub), "signature mismatch");
}

TEST_P(SignatureTest, RelaxedSurvivesRefoldingAndWhitespace) {
  Keys keys;
  std::string pub;
  std::string msg = signed_message(keys.key(GetParam(), pub), kMessage);
  std::string changed = msg;
  changed.replace(changed.find("Subject:   Hello"), 16, "SUBJECT: Hello\r\n\t");
  changed.replace(changed.find("Hello Bob,  "), 12, "Hello  Bob,");
  EXPECT_EQ(testing::verify_signature(changed, pub), "");
}

TEST_P(SignatureTest, EmptyBodyAndNoBody) {
  Keys keys;
  std::string pub;
  SigningKey k = keys.key(GetParam(), pub);
  EXPECT_EQ(testing::verify_signature(signed_message(k, "From: a@example.com\r\n\r\n"), pub), "");
  EXPECT_EQ(testing::verify_signature(signed_message(k, "From: a@example.com\r\n"), pub), "");
}

INSTANTIATE_TEST_SUITE_P(Algorithms, SignatureTest,
                         ::testing::Values(DkimAlgorithm::Rsa, DkimAlgorithm::Ed25519),
                         [](const auto& info) { return std::string(storage::to_string(info.param)); });

TEST(Signature, WrongKeyTypeIsAnError) {
  Keys keys;
  std::string pub;
  SigningKey k = keys.key(DkimAlgorithm::Ed25519, pub);
  k.algorithm = DkimAlgorithm::Rsa;
  ParsedMessage m = parse_message(kMessage);
  EXPECT_FALSE(make_signature(m, k, relaxed_body_sha256(m.body), 1).ok());
}

}  // namespace
}  // namespace postern::dkim
