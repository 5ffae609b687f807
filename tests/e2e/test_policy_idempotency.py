"""X-Idempotency-Key and X-Scheduled-At (F22) against the real binary, delivering to a real
aiosmtpd sink through a static route. Idempotency: the same key and body answer `250 2.0.0 OK
Message already queued as <first id>` (nothing queued or charged again, also when the client
regenerated Message-ID), a different body `554 5.5.0 X-Idempotency-Key reused with different
body`, a key over 256 characters `554 5.5.0 Invalid X-Idempotency-Key (length)`; keys are per
user; the delivered message has no X-Idempotency-Key. Scheduling: past, malformed and > 30 days
ahead are `554 5.6.0 Invalid X-Scheduled-At`; a time a few seconds ahead is held and delivered
no earlier, without the header. Refusals are logged with their reasons."""
import datetime
import email.utils
import os
import threading
import time
import unittest

from harness import PASSWORD, Relay, RelayTestCase
from peers import Sink, free_port
from policy_util import (Transaction, login, queue_id_of, swaks, swaks_server_lines,
                         wait_message_events)

REUSED = (554, b"5.5.0 X-Idempotency-Key reused with different body")
TOO_LONG = (554, b"5.5.0 Invalid X-Idempotency-Key (length)")
IN_FLIGHT = (451, b"4.5.0 Idempotency in flight; retry")
BAD_SCHEDULE = (554, b"5.6.0 Invalid X-Scheduled-At")


def compose(subject, body, headers=(), sender="app@example.test", rcpt="bob@example.org"):
    head = "From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\nMessage-ID: <%s@example.test>\r\n" % (
        sender, rcpt, subject, os.urandom(8).hex())
    for h in headers:
        head += h + "\r\n"
    return head + "\r\n" + body


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class IdempotencyAndScheduling(RelayTestCase):

    @classmethod
    def _setup(cls):
        port = free_port()
        extra = ('[delivery]\nretry_schedule = ["1s"]\n'
                 '[[delivery.route]]\ndomain = "*"\nto = "127.0.0.1:%d"\ntls = "none"\n' % port)
        r = cls.relay = Relay(ipv6=False, hold_mail=False, extra_config=extra).start()
        cls.sink = Sink("127.0.0.1", port, os.path.join(r.dir, "sink"))
        r.add_account("acme")
        r.add_user("acme", "idem-app", PASSWORD, "--domain", "example.test", "--quota", "100")
        r.add_user("acme", "other-app")
        r.add_user("acme", "sched-app")

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "sink", None):
            cls.sink.stop()
        if getattr(cls, "relay", None):
            cls.relay.cleanup()

    def submit(self, user, msg, rcpt="bob@example.org"):
        s = login(self.relay, user)
        t = Transaction(s).run("app@example.test", [rcpt], msg)
        s.quit()
        return t.replies["data"]

    def read(self, name):
        with open(os.path.join(self.sink.dir, name), "rb") as f:
            return f.read()

    def delivered(self, subject):
        return [(meta, data) for meta, data in self.sink.messages()
                if ("Subject: %s\r\n" % subject).encode() in data]

    def wait_delivered(self, subject, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            got = self.delivered(subject)
            if got:
                return got
            time.sleep(0.05)
        raise AssertionError("%r was not delivered" % subject)

    def rejected(self, user, reason, count=1):
        events = wait_message_events(self.relay, lambda e: e["user"] == user and
                                     e["status"] == "rejected" and e["reason"] == reason, count)
        return events

    # --- idempotency ---------------------------------------------------------------------
    def test_idempotent_replay(self):
        key = "X-Idempotency-Key: order-4711"
        body = "Your order 4711 has shipped.\r\n"
        first = compose("order 4711", body, [key])
        qid = queue_id_of(self.submit("idem-app", first))
        used = self.relay.cli_json("user", "show", "idem-app")["quota_used"]
        # The very same bytes, and a retry whose client regenerated Message-ID.
        self.assertEqual(self.submit("idem-app", first),
                         (250, ("2.0.0 OK Message already queued as %s" % qid).encode()))
        self.assertEqual(self.submit("idem-app", compose("order 4711", body, [key])),
                         (250, ("2.0.0 OK Message already queued as %s" % qid).encode()))
        # swaks, too, with its own copy of the message (and yet another Message-ID).
        path = os.path.join(self.relay.dir, "retry.eml")
        with open(path, "w", newline="") as f:
            # swaks ends DATA with its own CRLF: leave the last one out.
            f.write(compose("order 4711", body, [key])[:-2])
        code, out = swaks(self.relay, "idem-app", "app@example.test", "bob@example.org",
                          extra=["--data", "@" + path])
        self.assertIn("250 2.0.0 OK Message already queued as %s" % qid, swaks_server_lines(out), out)
        # Nothing more was charged, queued or delivered.
        self.assertEqual(self.relay.cli_json("user", "show", "idem-app")["quota_used"], used)
        got = self.wait_delivered("order 4711")
        time.sleep(1.0)
        self.assertEqual(len(self.delivered("order 4711")), 1)
        meta, data = got[0]
        self.assertNotIn(b"x-idempotency-key", data.lower())
        self.assertIn(body.encode(), data)
        accepted = [e for e in wait_message_events(self.relay, lambda e: e["id"] == qid)
                    if e["status"] == "accepted"]
        self.assertEqual(len(accepted), 1)

    def test_key_reused_with_a_different_body(self):
        key = "X-Idempotency-Key: invoice-99"
        queue_id_of(self.submit("idem-app", compose("invoice 99", "Amount: 10 EUR\r\n", [key])))
        self.assertEqual(self.submit("idem-app", compose("invoice 99", "Amount: 99 EUR\r\n", [key])),
                         REUSED)
        self.rejected("idem-app", "idempotency")
        # The key is per user: another user may use it for anything.
        queue_id_of(self.submit("other-app", compose("invoice 99", "Amount: 99 EUR\r\n", [key])))

    def test_key_length(self):
        self.assertEqual(self.submit("idem-app", compose("long key", "x\r\n",
                                                         ["X-Idempotency-Key: " + "k" * 257])),
                         TOO_LONG)
        e = self.rejected("idem-app", "idempotency")[0]
        self.assertEqual(e["remote_reply"], "554 5.5.0 Invalid X-Idempotency-Key (length)")
        queue_id_of(self.submit("idem-app", compose("max key", "x\r\n",
                                                    ["X-Idempotency-Key: " + "k" * 256])))
        got = self.wait_delivered("max key")
        self.assertNotIn(b"x-idempotency-key", got[0][1].lower())

    def test_parallel_retries_queue_one_message(self):
        # 12 sessions submit the same key and body at once: exactly one is queued; every other
        # one is told "already queued as <that id>" or "in flight; retry" (451 4.5.0).
        msg = compose("parallel key", "one copy only\r\n", ["X-Idempotency-Key: parallel-1"])
        sessions = [login(self.relay, "idem-app") for _ in range(12)]
        for s in sessions:
            self.assertEqual(s.mail("app@example.test")[0], 250)
            self.assertEqual(s.rcpt("bob@example.org")[0], 250)
        barrier = threading.Barrier(len(sessions))
        replies = []

        def finish(s):
            barrier.wait(10)
            replies.append(s.data(msg.encode()))
            s.quit()

        ts = [threading.Thread(target=finish, args=(s,)) for s in sessions]
        for t in ts:
            t.start()
        for t in ts:
            t.join(30)
        self.assertEqual(len(replies), len(sessions))
        queued = [r for r in replies if r[1].startswith(b"2.0.0 OK Message queued as ")]
        self.assertEqual(len(queued), 1, replies)
        qid = queue_id_of(queued[0])
        for r in replies:
            self.assertIn(r, (queued[0], IN_FLIGHT,
                              (250, ("2.0.0 OK Message already queued as %s" % qid).encode())))
        self.wait_delivered("parallel key")
        time.sleep(1.0)
        self.assertEqual(len(self.delivered("parallel key")), 1)

    # --- scheduling ----------------------------------------------------------------------
    def test_invalid_schedules(self):
        now = time.time()
        cases = {
            "past": iso(now - 3600),
            "malformed": "next tuesday",
            "no zone": iso(now + 60)[:-1],
            "too far": iso(now + 31 * 86400),
            "too far rfc5322": email.utils.formatdate(now + 31 * 86400),
        }
        for name, value in cases.items():
            with self.subTest(case=name):
                reply = self.submit("sched-app", compose("bad schedule " + name, "x\r\n",
                                                         ["X-Scheduled-At: " + value]))
                self.assertEqual(reply, BAD_SCHEDULE)
        events = self.rejected("sched-app", "scheduling", len(cases))
        self.assertEqual(events[0]["remote_reply"], "554 5.6.0 Invalid X-Scheduled-At")
        # 29 days ahead is fine: it stays queued, and the stored message (the spool file) has
        # neither consumed header.
        qid = queue_id_of(self.submit("sched-app", compose(
            "in 29 days", "x\r\n", ["X-Scheduled-At: " + iso(now + 29 * 86400),
                                    "X-Idempotency-Key: held-29"])))
        spooled = []
        for root, _, files in os.walk(os.path.join(self.relay.data, "spool")):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    data = f.read()
                if b"Subject: in 29 days\r\n" in data:
                    spooled.append((name, data))
        self.assertEqual(len(spooled), 1, [n for n, _ in spooled])
        self.assertIn(qid, spooled[0][0])
        self.assertNotIn(b"x-scheduled-at", spooled[0][1].lower())
        self.assertNotIn(b"x-idempotency-key", spooled[0][1].lower())

    def test_scheduled_message_is_held_until_its_time(self):
        at = int(time.time()) + 5
        qid = queue_id_of(self.submit("sched-app", compose("scheduled", "later\r\n",
                                                           ["X-Scheduled-At: " + iso(at)])))
        # A message without a schedule, sent after it, is delivered first.
        queue_id_of(self.submit("sched-app", compose("unscheduled", "now\r\n")))
        self.wait_delivered("unscheduled")
        self.assertLess(time.time(), at, "too slow to observe the hold")
        self.assertEqual(self.delivered("scheduled"), [])
        [held] = [m for m in self.relay.queued() if m["id"] == qid]
        [row] = held["recipients"]
        self.assertEqual((row["status"], row["attempts"]), ("queued", 0))
        self.assertEqual(row["next_attempt_at"][:19], iso(at)[:19])  # due at its time
        while time.time() < at - 0.3:
            self.assertEqual(self.delivered("scheduled"), [], "delivered before its time")
            time.sleep(0.1)
        got = self.wait_delivered("scheduled", timeout=15)
        arrived = min(os.path.getmtime(os.path.join(self.sink.dir, f))
                      for f in os.listdir(self.sink.dir) if f.endswith(".eml")
                      and b"Subject: scheduled\r\n" in self.read(f))
        self.assertGreaterEqual(arrived, at - 0.05)
        self.assertNotIn(b"x-scheduled-at", got[0][1].lower())
        e = wait_message_events(self.relay, lambda e: e["id"] == qid and e["status"] == "delivered")[0]
        self.assertEqual(e["rcpt"], "bob@example.org")


if __name__ == "__main__":
    unittest.main(verbosity=2)
