// smtp::Server properties that transcripts show less well: accessors, abandoned requests,
// the "nothing to send" convention, error accounting.
#include "smtp/server.h"

#include <gtest/gtest.h>

#include "base/encoding.h"

namespace postern::smtp {
namespace {

ServerSettings tls_settings() {
  return ServerSettings{.hostname = "mx.test", .tls_active = true, .max_recipients = 3};
}

int code(const Action& a) {
  if (auto* r = std::get_if<Respond>(&a)) return r->reply.code;
  if (auto* r = std::get_if<RespondAndClose>(&a)) return r->reply.code;
  if (auto* r = std::get_if<StartTls>(&a)) return r->reply.code;
  if (auto* r = std::get_if<ReceiveData>(&a)) return r->reply.code;
  return -1;  // a request to the driver
}

Server authenticated_server() {
  Server s(tls_settings());
  EXPECT_EQ(code(s.on_line("EHLO c")), 250);
  auto a = s.on_line("AUTH PLAIN " + base64_encode(std::string("\0Alice\0pw", 9)));
  EXPECT_TRUE(std::holds_alternative<VerifyCredentials>(a));
  EXPECT_EQ(code(s.credentials_checked(CredentialResult::Accepted)), 235);
  return s;
}

TEST(Server, Greeting) {
  Server s(ServerSettings{.hostname = "relay.example"});
  EXPECT_EQ(s.greeting().wire(), "220 relay.example ESMTP Postern\r\n");
  EXPECT_FALSE(s.tls_active());
  EXPECT_FALSE(s.authenticated());
}

TEST(Server, AuthenticatedUsernameAsSent) {
  Server s = authenticated_server();
  EXPECT_TRUE(s.authenticated());
  EXPECT_EQ(s.authenticated_username(), "Alice");
  s.drop_authentication();
  EXPECT_FALSE(s.authenticated());
  EXPECT_EQ(s.authenticated_username(), "");
  EXPECT_EQ(code(s.on_line("MAIL FROM:<a@b.example>")), 530);
}

TEST(Server, EnvelopeBuilt) {
  Server s = authenticated_server();
  ASSERT_TRUE(std::holds_alternative<CheckSender>(s.on_line("MAIL FROM:<a@b.example> SIZE=10")));
  EXPECT_TRUE(s.envelope().mail_from.empty());  // not before the policy said yes
  s.mail_from_checked(std::nullopt);
  EXPECT_EQ(s.envelope().mail_from, "a@b.example");
  EXPECT_EQ(s.envelope().declared_size, 10u);
  EXPECT_EQ(s.envelope().helo, "c");
  auto rcpt = s.on_line("RCPT TO:<x@y.example>");
  ASSERT_TRUE(std::holds_alternative<CheckRecipient>(rcpt));
  EXPECT_EQ(std::get<CheckRecipient>(rcpt).recipient, "x@y.example");
  s.recipient_checked(std::nullopt);
  ASSERT_EQ(s.envelope().recipients.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<ReceiveData>(s.on_line("DATA")));
  auto enq = s.data_finished(DataResult::Complete);
  ASSERT_TRUE(std::holds_alternative<Enqueue>(enq));
  EXPECT_EQ(std::get<Enqueue>(enq).envelope.recipients[0], "x@y.example");
  EXPECT_EQ(std::get<Respond>(s.enqueued("Q9")).reply.first_line(),
            "250 2.0.0 OK Message queued as Q9");
  EXPECT_TRUE(s.envelope().mail_from.empty());
  EXPECT_TRUE(s.envelope().recipients.empty());
  EXPECT_EQ(s.envelope().helo, "c");
  EXPECT_TRUE(s.authenticated());
}

TEST(Server, NothingToSendConvention) {
  Server s(ServerSettings{.hostname = "h", .starttls_offered = true});
  ASSERT_TRUE(std::holds_alternative<StartTls>(s.on_line("STARTTLS")));
  auto a = s.tls_started();
  ASSERT_TRUE(std::holds_alternative<Respond>(a));
  EXPECT_EQ(std::get<Respond>(a).reply.code, 0);
  EXPECT_EQ(std::get<Respond>(a).reply.wire(), "");
  EXPECT_TRUE(s.tls_active());
  // Results nobody asked for are ignored.
  EXPECT_EQ(code(s.credentials_checked(CredentialResult::Accepted)), 0);
  EXPECT_FALSE(s.authenticated());
  EXPECT_EQ(code(s.mail_from_checked(std::nullopt)), 0);
  EXPECT_EQ(code(s.recipient_checked(std::nullopt)), 0);
  EXPECT_EQ(code(s.data_finished(DataResult::Complete)), 0);
  EXPECT_EQ(code(s.enqueued("Q")), 0);
}

TEST(Server, NewCommandAbandonsPendingRequest) {
  Server s(tls_settings());
  s.on_line("EHLO c");
  ASSERT_TRUE(std::holds_alternative<VerifyCredentials>(
      s.on_line("AUTH PLAIN " + base64_encode(std::string("\0u\0p", 4)))));
  EXPECT_EQ(code(s.on_line("NOOP")), 250);
  EXPECT_EQ(code(s.credentials_checked(CredentialResult::Accepted)), 0);
  EXPECT_FALSE(s.authenticated());
}

TEST(Server, LoginUsernameLimit) {
  Server s(tls_settings());
  s.on_line("EHLO c");
  auto a = s.on_line("AUTH LOGIN " + base64_encode(std::string(257, 'u')));
  ASSERT_TRUE(std::holds_alternative<Respond>(a));
  EXPECT_EQ(std::get<Respond>(a).reply.code, 501);
  EXPECT_EQ(code(s.on_line("AUTH LOGIN " + base64_encode(std::string(256, 'u')))), 334);
}

TEST(Server, AuthNoteMechanismIsCapped) {
  Server s(tls_settings());
  s.on_line("EHLO c");
  auto a = s.on_line("AUTH " + std::string(100, 'x'));
  auto& r = std::get<Respond>(a);
  EXPECT_EQ(r.reply.code, 504);
  ASSERT_TRUE(r.auth_note);
  EXPECT_EQ(r.auth_note->mechanism, std::string(32, 'X'));
}

TEST(Server, BareLineEndingDuringAuthCancels) {
  Server s(tls_settings());
  s.on_line("EHLO c");
  EXPECT_EQ(code(s.on_line("AUTH LOGIN")), 334);
  auto a = s.on_bare_line_ending();
  auto& r = std::get<Respond>(a);
  EXPECT_EQ(r.reply.first_line(), "500 5.5.2 Line must end with CRLF");
  ASSERT_TRUE(r.auth_note);
  EXPECT_EQ(r.auth_note->failure, AuthProtocolFailure::Malformed);
  EXPECT_EQ(code(s.on_line("NOOP")), 250);  // not taken as an AUTH response
}

TEST(Server, ProgressResetsErrorCount) {
  Server s = authenticated_server();
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 19; ++i) ASSERT_EQ(code(s.on_line("BOGUS")), 500);
    ASSERT_TRUE(std::holds_alternative<CheckSender>(s.on_line("MAIL FROM:<a@b.example>")));
    ASSERT_EQ(code(s.mail_from_checked(std::nullopt)), 250);
    ASSERT_EQ(code(s.on_line("RSET")), 250);
  }
  for (int i = 0; i < 20; ++i) ASSERT_EQ(code(s.on_line("BOGUS")), 500);
  auto a = s.on_line("NOOP");
  ASSERT_TRUE(std::holds_alternative<RespondAndClose>(a));
  EXPECT_EQ(std::get<RespondAndClose>(a).reply.first_line(),
            "421 4.7.0 mx.test Error: too many errors");
  EXPECT_EQ(code(s.on_line("NOOP")), 0);  // closed: nothing more
}

TEST(Server, RecipientRefusal421Closes) {
  Server s = authenticated_server();
  s.on_line("MAIL FROM:<a@b.example>");
  s.mail_from_checked(std::nullopt);
  s.on_line("RCPT TO:<x@y.example>");
  auto a = s.recipient_checked(make_reply(421, "4.7.1", "Rate limit exceeded. Try again later."));
  EXPECT_TRUE(std::holds_alternative<RespondAndClose>(a));
}

TEST(Server, SenderRefusalWithoutCodeBecomes451) {
  Server s = authenticated_server();
  s.on_line("MAIL FROM:<a@b.example>");
  EXPECT_EQ(code(s.mail_from_checked(Reply{})), 451);
}

TEST(Server, RecipientLimitCountsAccepted) {
  Server s = authenticated_server();
  s.on_line("MAIL FROM:<a@b.example>");
  s.mail_from_checked(std::nullopt);
  for (int i = 0; i < 5; ++i) {  // refused recipients do not count
    s.on_line("RCPT TO:<r@y.example>");
    s.recipient_checked(make_reply(550, "5.1.1", "[SUPPRESSED] r@y.example"));
  }
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(std::holds_alternative<CheckRecipient>(s.on_line("RCPT TO:<r@y.example>")));
    s.recipient_checked(std::nullopt);
  }
  EXPECT_EQ(code(s.on_line("RCPT TO:<r@y.example>")), 452);
}

TEST(Server, MailWithUtf8RequiresSmtputf8ForRcptToo) {
  Server s = authenticated_server();
  s.on_line("MAIL FROM:<a@b.example>");
  s.mail_from_checked(std::nullopt);
  EXPECT_EQ(code(s.on_line("RCPT TO:<zo\xc3\xab@example.net>")), 501);
}

}  // namespace
}  // namespace postern::smtp
