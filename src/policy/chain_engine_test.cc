// The policy chain against a real SqliteStore (temp file) and a FakeResolver: every check of
// issue 4 with its exact reply (replies.md) and log reason.
#include "policy/chain_engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "policy/rate.h"
#include "policy/testing/fake_resolver.h"
#include "storage/testing/temp_dir.h"

namespace postern::policy {
namespace {

using storage::SmtpUser;

class FakeClock final : public Clock {
 public:
  Millis now_ms() const override { return t.load(); }
  std::atomic<Millis> t{1795806131000};  // 2026-11-27T19:02:11Z
};

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = storage::open_store("sqlite:" + dir_.file("postern.db"));
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->create_account("acme").ok());
    ASSERT_TRUE(store_->create_account("other").ok());
    engine_ = make_engine(*store_, dns_, EngineOptions{"_spf.relay.example"}, clock_);
  }

  SmtpUser make_user(const std::string& name, std::function<void(SmtpUser&)> edit = {}) {
    SmtpUser u;
    u.account_name = "acme";
    u.username = name;
    u.password_hash = "$argon2id$placeholder";
    u.domains = {"acme.example"};
    if (edit) edit(u);
    auto created = store_->create_user(u);
    EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message);
    return created.ok() ? created.value() : SmtpUser{};
  }

  void add_domain(const std::string& account, const std::string& name, bool verified) {
    ASSERT_TRUE(store_->add_domain(account, name, {}).ok());
    if (verified) {
      storage::DomainVerification v;
      v.spf = v.dkim = v.dmarc = storage::CheckStatus::Ok;
      v.checked_at = clock_.now_ms();
      ASSERT_TRUE(store_->set_verification(name, v).ok());
    }
  }

  Decision mail_from(const SmtpUser& u, const std::string& from) {
    return engine_->at_mail_from(Submission{u, ip_, "s1"}, from);
  }

  DataDecision data(const SmtpUser& u, std::string& message, std::size_t recipients = 1,
                    const std::string& session = "s1", const std::string& envelope_from = "a@acme.example") {
    smtp::Envelope env;
    env.mail_from = envelope_from;
    for (std::size_t i = 0; i < recipients; ++i)
      env.recipients.push_back("r" + std::to_string(i) + "@dest.example");
    return engine_->at_end_of_data(Submission{u, ip_, session}, env, message);
  }

  static std::string msg(const std::string& headers, const std::string& body = "hello\r\n") {
    return headers + "\r\n" + body;
  }

  storage::testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  testing::FakeResolver dns_;
  FakeClock clock_;
  std::unique_ptr<Engine> engine_;
  std::string ip_ = "192.0.2.7";
};

// --- sender permission: MAIL FROM ---

TEST_F(EngineTest, AssignedModeAllowsOnlyAssignedDomainsExactly) {
  SmtpUser u = make_user("app");
  EXPECT_TRUE(mail_from(u, "news@acme.example").accepted);
  EXPECT_TRUE(mail_from(u, "news@ACME.example").accepted);
  Decision d = mail_from(u, "news@evil.example");
  ASSERT_FALSE(d.accepted);
  EXPECT_EQ(d.reason, "acl");
  const std::string line = d.reply.first_line();
  EXPECT_EQ(line.rfind("550 5.7.1 [ACL] Blocked. Sender domain evil.example is not permitted for "
                       "this SMTP user (ref ", 0), 0u)
      << line;
  const std::string ref = line.substr(line.find("(ref ") + 5, 8);
  EXPECT_NE(d.detail.find("ref " + ref), std::string::npos);  // the log can be found by ref
  EXPECT_FALSE(mail_from(u, "news@sub.acme.example").accepted);  // subdomains are not implied
  EXPECT_TRUE(mail_from(u, "").accepted);  // null sender: the header From: decides
}

TEST_F(EngineTest, AccountModeAllowsVerifiedDomainsOfTheAccount) {
  add_domain("acme", "verified.example", true);
  add_domain("acme", "pending.example", false);
  add_domain("other", "theirs.example", true);
  SmtpUser u = make_user("app", [](SmtpUser& x) { x.mode = "account"; });
  EXPECT_TRUE(mail_from(u, "a@verified.example").accepted);
  EXPECT_TRUE(mail_from(u, "a@acme.example").accepted);  // assigned domains count in every mode
  EXPECT_EQ(mail_from(u, "a@pending.example").reason, "acl");
  EXPECT_EQ(mail_from(u, "a@theirs.example").reason, "acl");
  SmtpUser assigned = make_user("strict");
  EXPECT_EQ(mail_from(assigned, "a@verified.example").reason, "acl");
}

TEST_F(EngineTest, AnyModeNeedsTheSenderDomainsSpfToIncludeTheRelay) {
  dns_.set_txt("customer.example", {"v=spf1 include:spf.esp.example ~all"});
  dns_.set_txt("spf.esp.example", {"v=spf1 include:_spf.relay.example -all"});
  dns_.set_txt("stranger.example", {"v=spf1 -all"});
  dns_.fail("flaky.example");
  SmtpUser u = make_user("app", [](SmtpUser& x) { x.mode = "any"; });
  EXPECT_TRUE(mail_from(u, "a@customer.example").accepted);
  Decision d = mail_from(u, "a@stranger.example");
  EXPECT_EQ(d.reason, "acl");
  EXPECT_NE(d.detail.find("before including _spf.relay.example"), std::string::npos) << d.detail;
  d = mail_from(u, "a@flaky.example");
  EXPECT_EQ(d.reply.code, 451);
  EXPECT_EQ(d.reason, "dns_tempfail");
}

// --- sender permission: header From: ---

TEST_F(EngineTest, HeaderFromEveryAddressOfEveryFieldMustPass) {
  SmtpUser u = make_user("app", [](SmtpUser& x) { x.domains = {"acme.example", "b.example"}; });
  std::string m = msg("From: \"Acme, Inc.\" (sales)\r\n <sales@acme.example>\r\nSubject: x\r\n");
  DataDecision r = data(u, m);
  EXPECT_TRUE(r.decision.accepted) << r.decision.detail;
  EXPECT_EQ(r.header_from, "sales@acme.example");
  engine_->queued(Submission{u, ip_, "s1"}, "Q1");

  m = msg("From: a@acme.example, b@b.example\r\n");
  EXPECT_TRUE(data(u, m).decision.accepted);
  m = msg("From: a@acme.example, ceo@victim.example\r\n");
  r = data(u, m);
  EXPECT_EQ(r.decision.reason, "acl");
  EXPECT_NE(r.decision.reply.first_line().find("victim.example"), std::string::npos);
  m = msg("From: a@acme.example\r\nFrom: ceo@victim.example\r\n");  // a second From: field
  EXPECT_EQ(data(u, m).decision.reason, "acl");
  m = msg("From: \"ceo@acme.example\" <ceo@victim.example>\r\n");  // display name spoof
  EXPECT_EQ(data(u, m).decision.reason, "acl");
  m = msg("From: broken <a@acme.example\r\n");
  r = data(u, m);
  EXPECT_EQ(r.decision.reason, "acl");
  EXPECT_NE(r.decision.detail.find("cannot be parsed"), std::string::npos);
}

TEST_F(EngineTest, NullSenderNeedsAPermittedHeaderFrom) {
  SmtpUser u = make_user("app");
  std::string m = msg("Subject: no from\r\n");
  EXPECT_TRUE(data(u, m, 1, "s1", "a@acme.example").decision.accepted);  // envelope checked
  m = msg("Subject: no from\r\n");
  EXPECT_EQ(data(u, m, 1, "s2", "").decision.reason, "acl");
  m = msg("From: mailer-daemon@acme.example\r\n");
  EXPECT_TRUE(data(u, m, 1, "s3", "").decision.accepted);
}

// --- Domain Lockdown ---

TEST_F(EngineTest, LockdownRecordMustListTheUser) {
  SmtpUser u = make_user("app");
  SmtpUser other = make_user("intruder");
  dns_.set_txt("_postern.acme.example", {"v=pl1 auth=" + u.uuid + ",billing", "unrelated"});
  std::string m = msg("From: a@acme.example\r\n");
  EXPECT_TRUE(data(u, m).decision.accepted);
  m = msg("From: a@acme.example\r\n");
  DataDecision r = data(other, m, 1, "s2");
  ASSERT_FALSE(r.decision.accepted);
  EXPECT_EQ(r.decision.reason, "lockdown");
  EXPECT_EQ(r.decision.reply.first_line().rfind(
                "550 5.7.1 [LOCKDOWN] Blocked. acme.example only allows other SMTP users (ref ", 0),
            0u);
  // By username too, case-insensitively.
  dns_.set_txt("_postern.acme.example", {"v=pl1 auth=INTRUDER"});
  m = msg("From: a@acme.example\r\n");
  EXPECT_TRUE(data(other, m, 1, "s3").decision.accepted);
}

TEST_F(EngineTest, LockdownWithoutRecordOrWithDnsFailureDoesNotBlock) {
  SmtpUser u = make_user("app");
  std::string m = msg("From: a@acme.example\r\n");
  EXPECT_TRUE(data(u, m).decision.accepted);
  dns_.fail("_postern.acme.example");
  m = msg("From: a@acme.example\r\n");
  DataDecision r = data(u, m, 1, "s2");
  EXPECT_TRUE(r.decision.accepted);
  EXPECT_NE(r.decision.detail.find("lockdown lookup"), std::string::npos);
}

// --- rate limits ---

TEST_F(EngineTest, UserRateLimitAnswers421) {
  SmtpUser u = make_user("app", [](SmtpUser& x) { x.rate = "2/m"; });
  EXPECT_TRUE(mail_from(u, "a@acme.example").accepted);
  EXPECT_TRUE(mail_from(u, "a@acme.example").accepted);
  Decision d = mail_from(u, "a@acme.example");
  EXPECT_EQ(d.reply.first_line(), "421 4.7.1 Rate limit exceeded. Try again later.");
  EXPECT_EQ(d.reason, "rate_limit");
  clock_.t += 2 * 60 * 1000;
  EXPECT_TRUE(mail_from(u, "a@acme.example").accepted);
  // The refused sender's domain is refused before the rate is even counted.
  EXPECT_EQ(mail_from(u, "a@evil.example").reason, "acl");
}

TEST_F(EngineTest, AccountRateLimitCoversAllItsUsers) {
  ASSERT_TRUE(store_->set_account_rate("acme", "3/h").ok());
  SmtpUser a = make_user("a1"), b = make_user("b1");
  EXPECT_TRUE(mail_from(a, "x@acme.example").accepted);
  EXPECT_TRUE(mail_from(b, "x@acme.example").accepted);
  EXPECT_TRUE(mail_from(a, "x@acme.example").accepted);
  Decision d = mail_from(b, "x@acme.example");
  EXPECT_EQ(d.reason, "rate_limit");
  EXPECT_NE(d.detail.find("account rate 3/h"), std::string::npos);
}

// --- quotas ---

TEST_F(EngineTest, QuotaChargedPerRecipientAtEndOfDataAndPrecheckedAtMailFrom) {
  SmtpUser u = make_user("app", [](SmtpUser& x) { x.quota = 5; });
  std::string m = msg("From: a@acme.example\r\n");
  EXPECT_TRUE(data(u, m, 3).decision.accepted);
  engine_->queued(Submission{u, ip_, "s1"}, "Q1");
  m = msg("From: a@acme.example\r\n");
  DataDecision r = data(u, m, 3);  // 3 + 3 > 5: refused whole
  EXPECT_EQ(r.decision.reply.first_line(), "452 4.7.1 [QUOTA] Sending quota exceeded");
  EXPECT_EQ(r.decision.reason, "quota");
  const Millis day = quota_period_start("day", clock_.now_ms());
  EXPECT_EQ(store_->quota_usage(u.id, day).used, 3);
  m = msg("From: a@acme.example\r\n");
  EXPECT_TRUE(data(u, m, 2).decision.accepted);
  engine_->queued(Submission{u, ip_, "s1"}, "Q2");
  EXPECT_EQ(mail_from(u, "a@acme.example").reason, "quota");  // used up: refused at once
  clock_.t += 86400 * 1000;  // the next UTC day
  EXPECT_TRUE(mail_from(u, "a@acme.example").accepted);
}

TEST_F(EngineTest, QuotaActionRejectAnswers550AndZeroIsUnlimitedButCounted) {
  SmtpUser u = make_user("app", [](SmtpUser& x) {
    x.quota = 1;
    x.quota_action = "reject";
  });
  std::string m = msg("From: a@acme.example\r\n");
  EXPECT_EQ(data(u, m, 2).decision.reply.first_line(), "550 5.7.1 [QUOTA] Sending quota exceeded");
  SmtpUser free = make_user("free");
  m = msg("From: a@acme.example\r\n");
  EXPECT_TRUE(data(free, m, 40).decision.accepted);
  EXPECT_EQ(store_->quota_usage(free.id, quota_period_start("day", clock_.now_ms())).used, 40);
}

TEST_F(EngineTest, NotQueuedRefundsTheCharge) {
  SmtpUser u = make_user("app", [](SmtpUser& x) {
    x.quota = 10;
    x.quota_period = "month";
  });
  smtp::Envelope env;
  env.mail_from = "a@acme.example";
  env.recipients = {"x@dest.example", "y@dest.example"};
  std::string m = msg("From: a@acme.example\r\n");
  ASSERT_TRUE(engine_->at_end_of_data(Submission{u, ip_, "s9"}, env, m).decision.accepted);
  const Millis month = quota_period_start("month", clock_.now_ms());
  EXPECT_EQ(store_->quota_usage(u.id, month).used, 2);
  engine_->not_queued(Submission{u, ip_, "s9"}, env);
  EXPECT_EQ(store_->quota_usage(u.id, month).used, 0);
  engine_->not_queued(Submission{u, ip_, "s9"}, env);  // twice: nothing more to refund
  EXPECT_EQ(store_->quota_usage(u.id, month).used, 0);
}

TEST_F(EngineTest, TwentyParallelSessionsNeverPassTheQuota) {
  SmtpUser u = make_user("app", [](SmtpUser& x) { x.quota = 50; });
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 20; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        std::string m = msg("From: a@acme.example\r\n");
        const std::string session = "s" + std::to_string(t);
        if (data(u, m, 1, session).decision.accepted) {
          ++accepted;
          engine_->queued(Submission{u, ip_, session}, "Q");
        }
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(accepted.load(), 50);
  EXPECT_EQ(store_->quota_usage(u.id, quota_period_start("day", clock_.now_ms())).used, 50);
}

TEST_F(EngineTest, QuotaExactAcrossStoreInstancesOnOneFile) {
  // Several processes (server nodes, CLI) share the SQLite file: one write lock for all.
  SmtpUser u = make_user("app", [](SmtpUser& x) { x.quota = 30; });
  std::vector<std::unique_ptr<storage::Store>> stores;
  for (int i = 0; i < 4; ++i) stores.push_back(std::move(storage::open_store("sqlite:" + dir_.file("postern.db")).value()));
  std::atomic<int> charged{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 20; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        auto c = stores[t % 4]->charge_quota(u.id, 0, 1, 30);
        if (c.ok() && c->charged) ++charged;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(charged.load(), 30);
  EXPECT_EQ(store_->quota_usage(u.id, 0).used, 30);
}

// --- suppression list ---

TEST_F(EngineTest, SuppressedRecipientRefusedAtRcpt) {
  SmtpUser u = make_user("app");
  ASSERT_TRUE(store_->add_suppression("acme", "gone@dest.example", "hard_bounce").ok());
  ASSERT_TRUE(store_->add_suppression("other", "theirs@dest.example", "manual").ok());
  Decision d = engine_->at_rcpt(Submission{u, ip_, "s1"}, "Gone@Dest.example");
  EXPECT_EQ(d.reply.first_line(), "550 5.1.1 [SUPPRESSED] Gone@Dest.example");
  EXPECT_EQ(d.reason, "suppressed");
  EXPECT_TRUE(engine_->at_rcpt(Submission{u, ip_, "s1"}, "theirs@dest.example").accepted);
  EXPECT_TRUE(engine_->at_rcpt(Submission{u, ip_, "s1"}, "fine@dest.example").accepted);
}

// --- idempotency keys ---

TEST_F(EngineTest, IdempotencyKeyReplayMismatchInFlightAndStripping) {
  SmtpUser u = make_user("app", [](SmtpUser& x) { x.quota = 100; });
  const std::string headers = "From: a@acme.example\r\nX-Idempotency-Key: order-42\r\n";
  std::string m = msg("Date: Mon, 1 Jan 2026 00:00:00 +0000\r\n" + headers, "body one\r\n");
  DataDecision first = data(u, m, 1, "s1");
  ASSERT_TRUE(first.decision.accepted);
  EXPECT_EQ(m.find("X-Idempotency-Key"), std::string::npos);  // stripped before queueing
  EXPECT_FALSE(first.already_queued.has_value());

  std::string again = msg(headers, "body one\r\n");
  DataDecision in_flight = data(u, again, 1, "s2");
  EXPECT_EQ(in_flight.decision.reply.first_line(), "451 4.5.0 Idempotency in flight; retry");

  engine_->queued(Submission{u, ip_, "s1"}, "Q42");
  // A retry whose client regenerated Date: is still the same body.
  again = msg("Date: Tue, 2 Jan 2026 00:00:00 +0000\r\n" + headers, "body one\r\n");
  DataDecision replay = data(u, again, 1, "s2");
  ASSERT_TRUE(replay.decision.accepted);
  EXPECT_EQ(replay.already_queued, "Q42");
  EXPECT_EQ(store_->quota_usage(u.id, quota_period_start("day", clock_.now_ms())).used, 1);

  std::string other = msg(headers, "body two\r\n");
  EXPECT_EQ(data(u, other, 1, "s3").decision.reply.first_line(),
            "554 5.5.0 X-Idempotency-Key reused with different body");

  std::string longkey = msg("From: a@acme.example\r\nX-Idempotency-Key: " + std::string(257, 'k') + "\r\n");
  EXPECT_EQ(data(u, longkey, 1, "s4").decision.reply.first_line(),
            "554 5.5.0 Invalid X-Idempotency-Key (length)");
  std::string okkey = msg("From: a@acme.example\r\nX-Idempotency-Key: " + std::string(256, 'k') + "\r\n");
  EXPECT_TRUE(data(u, okkey, 1, "s4").decision.accepted);

  // Another user's key space is separate; after 24 h the key is new again.
  SmtpUser v = make_user("other-app");
  std::string theirs = msg(headers, "body two\r\n");
  EXPECT_TRUE(data(v, theirs, 1, "s5").decision.accepted);
  clock_.t += 24 * 3600 * 1000 + 1;
  std::string later = msg(headers, "body two\r\n");
  DataDecision fresh = data(u, later, 1, "s6");
  EXPECT_TRUE(fresh.decision.accepted);
  EXPECT_FALSE(fresh.already_queued.has_value());
}

TEST_F(EngineTest, ARefusalAfterTheReservationReleasesItAndAFailedEnqueueToo) {
  SmtpUser u = make_user("app", [](SmtpUser& x) { x.quota = 1; });
  std::string m = msg("From: a@acme.example\r\nX-Idempotency-Key: k\r\n");
  EXPECT_EQ(data(u, m, 2, "s1").decision.reason, "quota");  // reserved, then refused
  m = msg("From: a@acme.example\r\nX-Idempotency-Key: k\r\n");
  DataDecision r = data(u, m, 1, "s1");  // not "in flight": the reservation was released
  ASSERT_TRUE(r.decision.accepted) << r.decision.reply.first_line();
  smtp::Envelope env;
  env.recipients = {"r0@dest.example"};
  engine_->not_queued(Submission{u, ip_, "s1"}, env);  // the spool failed
  m = msg("From: a@acme.example\r\nX-Idempotency-Key: k\r\n");
  EXPECT_TRUE(data(u, m, 1, "s1").decision.accepted);  // quota refunded, key free
}

// --- scheduling ---

TEST_F(EngineTest, ScheduledAtBecomesDeliverAtAndIsStripped) {
  SmtpUser u = make_user("app");
  std::string m = msg("From: a@acme.example\r\nX-Scheduled-At: 2026-11-28T08:00:00Z\r\n");
  DataDecision r = data(u, m);
  ASSERT_TRUE(r.decision.accepted);
  EXPECT_EQ(r.deliver_at, 1795852800000);
  EXPECT_EQ(m.find("X-Scheduled-At"), std::string::npos);
  for (std::string bad : {"2026-11-27T18:00:00Z", "next tuesday", "2027-01-01T00:00:00Z"}) {
    std::string b = msg("From: a@acme.example\r\nX-Scheduled-At: " + bad + "\r\n");
    DataDecision d = data(u, b, 1, "s2");
    EXPECT_EQ(d.decision.reply.first_line(), "554 5.6.0 Invalid X-Scheduled-At") << bad;
    EXPECT_EQ(d.decision.reason, "scheduling");
    EXPECT_FALSE(d.deliver_at.has_value());
  }
  std::string rfc = msg("From: a@acme.example\r\nX-Scheduled-At: Sat, 26 Dec 2026 19:02:11 +0000\r\n");
  EXPECT_TRUE(data(u, rfc, 1, "s3").decision.accepted);  // 29 days ahead
}

TEST_F(EngineTest, PendingStateIsPerSessionAndBounded) {
  SmtpUser u = make_user("app", [](SmtpUser& x) { x.quota = 100; });
  auto* chain = dynamic_cast<ChainEngine*>(engine_.get());
  ASSERT_NE(chain, nullptr);
  std::string m = msg("From: a@acme.example\r\n");
  ASSERT_TRUE(data(u, m, 1, "A").decision.accepted);
  m = msg("From: a@acme.example\r\n");
  ASSERT_TRUE(data(u, m, 1, "B").decision.accepted);
  EXPECT_EQ(chain->pending_count(), 2u);
  engine_->queued(Submission{u, ip_, "A"}, "QA");
  EXPECT_EQ(chain->pending_count(), 1u);
  clock_.t += 2 * 3600 * 1000;  // session B vanished: dropped on the next insert
  m = msg("From: a@acme.example\r\n");
  ASSERT_TRUE(data(u, m, 1, "C").decision.accepted);
  EXPECT_EQ(chain->pending_count(), 1u);
}

}  // namespace
}  // namespace postern::policy
