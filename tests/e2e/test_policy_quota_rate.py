"""Quotas and rate limits (F10) against the real binary with smtplib and swaks: each recipient
counts, the usage counter is in `user show --json`, quota action tempfail answers `452 4.7.1
[QUOTA] Sending quota exceeded` and reject `550 5.7.1 [QUOTA] Sending quota exceeded` (at MAIL
FROM once used up, at end of DATA when a message's recipients do not fit), both logged with
reason `quota`; 20 parallel sessions never push a user past its quota; a per-user and a
per-account rate limit answer `421 4.7.1 Rate limit exceeded. Try again later.`, close the
connection and log reason `rate_limit`."""
import smtplib
import threading
import unittest

from harness import PASSWORD, Relay, RelayTestCase, message
from policy_util import (Transaction, login, queue_id_of, swaks, swaks_server_lines,
                         wait_message_events)

QUOTA_TEMPFAIL = (452, b"4.7.1 [QUOTA] Sending quota exceeded")
QUOTA_REJECT = (550, b"5.7.1 [QUOTA] Sending quota exceeded")
RATE_LIMITED = (421, b"4.7.1 Rate limit exceeded. Try again later.")


class QuotaAndRate(RelayTestCase):

    @classmethod
    def _setup(cls):
        r = cls.relay = Relay(ipv6=False, limits="max_connections_per_ip = 200\n").start()
        r.add_account("acme")
        r.add_account("busy")
        r.add_user("acme", "q-temp", PASSWORD, "--quota", "3", "--quota-period", "day")
        r.add_user("acme", "q-reject", PASSWORD, "--quota", "2", "--quota-period", "month",
                   "--quota-action", "reject")
        r.add_user("acme", "q-unlimited", PASSWORD, "--quota", "0")
        r.add_user("acme", "q-race", PASSWORD, "--quota", "25", "--quota-period", "total")
        r.add_user("acme", "r-user", PASSWORD, "--rate", "3/m")
        r.add_user("busy", "busy-a", PASSWORD)
        r.add_user("busy", "busy-b", PASSWORD)
        r.cli("account", "set", "busy", "--rate", "4/m")

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "relay", None):
            cls.relay.cleanup()

    def used(self, user):
        return self.relay.cli_json("user", "show", user)["quota_used"]

    def send(self, user, rcpts, s=None):
        own = s is None
        s = s or login(self.relay, user)
        t = Transaction(s).run("app@example.test", rcpts, message(rcpt=rcpts[0]))
        if own:
            s.quit()
        return t.replies

    def quota_events(self, user, count):
        events = wait_message_events(self.relay, lambda e: e["user"] == user and
                                     e["status"] == "rejected", count)
        for e in events:
            self.assertEqual(e["reason"], "quota", e)
        return events

    # --- quotas --------------------------------------------------------------------------
    def test_tempfail_quota_counts_recipients(self):
        u = "q-temp"
        show = self.relay.cli_json("user", "show", u)
        self.assertEqual((show["quota"], show["quota_period"], show["quota_action"], show["quota_used"]),
                         (3, "day", "tempfail", 0))
        queue_id_of(self.send(u, ["a@example.org", "b@example.org"])["data"])
        self.assertEqual(self.used(u), 2)
        # One left: a two-recipient message does not fit and is refused whole at end of DATA.
        replies = self.send(u, ["c@example.org", "d@example.org"])
        self.assertEqual(replies["mail"], (250, b"2.1.0 OK"))
        self.assertEqual(replies["data"], QUOTA_TEMPFAIL)
        self.assertEqual(self.used(u), 2)
        queue_id_of(self.send(u, ["e@example.org"])["data"])
        self.assertEqual(self.used(u), 3)
        # Used up: refused at MAIL FROM already.
        replies = self.send(u, ["f@example.org"])
        self.assertEqual(replies["mail"], QUOTA_TEMPFAIL)
        self.assertEqual(self.used(u), 3)
        events = self.quota_events(u, 3)  # c, d (end of DATA) and the MAIL FROM refusal
        self.assertEqual(sorted(e["rcpt"] or "" for e in events), ["", "c@example.org", "d@example.org"])
        for e in events:
            self.assertEqual(e["remote_reply"], "452 4.7.1 [QUOTA] Sending quota exceeded")

    def test_reject_quota_via_swaks(self):
        u = "q-reject"
        for i in range(2):
            code, out = swaks(self.relay, u, "app@example.test", "r%d@example.org" % i)
            self.assertEqual(code, 0, out)
            self.assertTrue(any(l.startswith("250 2.0.0 OK Message queued as ")
                                for l in swaks_server_lines(out)), out)
        self.assertEqual(self.used(u), 2)
        code, out = swaks(self.relay, u, "app@example.test", "r9@example.org")
        self.assertNotEqual(code, 0, out)
        self.assertIn("550 5.7.1 [QUOTA] Sending quota exceeded", swaks_server_lines(out), out)
        self.quota_events(u, 1)
        self.assertEqual(self.used(u), 2)

    def test_zero_is_unlimited_but_counted(self):
        u = "q-unlimited"
        before = self.used(u)  # other tests send with this user too
        for i in range(3):
            queue_id_of(self.send(u, ["x%d@example.org" % i, "y%d@example.org" % i])["data"])
        self.assertEqual(self.used(u), before + 6)

    def test_twenty_parallel_sessions_never_pass_the_quota(self):
        u, quota, threads, per_session = "q-race", 25, 20, 3
        results, errors = [], []
        lock = threading.Lock()
        start = threading.Barrier(threads)

        def worker(n):
            try:
                s = login(self.relay, u)
                start.wait(10)
                for i in range(per_session):
                    replies = self.send(u, ["race%d-%d@example.org" % (n, i)], s=s)
                    final = replies.get("data") or replies["mail"]
                    with lock:
                        results.append(final)
                s.quit()
            except Exception as e:  # noqa: BLE001 - reported below
                with lock:
                    errors.append(repr(e))

        ts = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(60)
        self.assertEqual(errors, [])
        self.assertEqual(len(results), threads * per_session)
        accepted = [r for r in results if r[0] == 250]
        refused = [r for r in results if r[0] != 250]
        self.assertEqual(len(accepted), quota, results)  # never more, and nothing lost either
        self.assertTrue(all(r == QUOTA_TEMPFAIL for r in refused), refused)
        ids = {queue_id_of(r) for r in accepted}
        self.assertEqual(len(ids), quota)
        self.assertEqual(self.used(u), quota)
        queued = [m for m in self.relay.queued() if any(r.startswith("race") for r in m["rcpt"])]
        self.assertEqual(len(queued), quota)
        self.quota_events(u, threads * per_session - quota)

    # --- rate limits ---------------------------------------------------------------------
    def assert_rate_limited_and_closed(self, s, mail_from="app@example.test"):
        self.assertEqual(s.mail(mail_from), RATE_LIMITED)
        with self.assertRaises((smtplib.SMTPServerDisconnected, ConnectionError)):
            s.noop()

    def test_user_rate_limit(self):
        u = "r-user"
        s = login(self.relay, u)
        for i in range(3):
            queue_id_of(self.send(u, ["rate%d@example.org" % i], s=s)["data"])
        self.assert_rate_limited_and_closed(s)
        s.close()
        # A new session is still over the rate; so is swaks.
        s = login(self.relay, u)
        self.assert_rate_limited_and_closed(s)
        s.close()
        code, out = swaks(self.relay, u, "app@example.test", "rate9@example.org")
        self.assertNotEqual(code, 0, out)
        self.assertIn("421 4.7.1 Rate limit exceeded. Try again later.", swaks_server_lines(out), out)
        events = wait_message_events(self.relay, lambda e: e["user"] == u and e["status"] == "rejected", 3)
        for e in events:
            self.assertEqual(e["reason"], "rate_limit")
            self.assertEqual(e["remote_reply"], "421 4.7.1 Rate limit exceeded. Try again later.")
        # Another user of the same account is not affected by this user's rate.
        queue_id_of(self.send("q-unlimited", ["other@example.org"])["data"])

    def test_account_rate_limit_is_shared_by_its_users(self):
        rates = {a["name"]: a["rate"] for a in self.relay.cli_json("account", "list")}
        self.assertEqual(rates["busy"], "4/m")
        for i, u in enumerate(["busy-a", "busy-b", "busy-a", "busy-b"]):
            queue_id_of(self.send(u, ["acct%d@example.org" % i])["data"])
        for u in ("busy-a", "busy-b"):
            s = login(self.relay, u)
            self.assert_rate_limited_and_closed(s)
            s.close()
            events = wait_message_events(self.relay, lambda e: e["user"] == u and e["status"] == "rejected")
            self.assertEqual(events[0]["reason"], "rate_limit")


if __name__ == "__main__":
    unittest.main(verbosity=2)
