"""Brute-force protection (F19) against the real binary: 1,000 bad-password AUTHs for one user
from 127.0.0.1 (8 parallel clients, implicit TLS) get `454 4.7.0 Temporary authentication
failure, try again later` after a few failures, each throttled attempt logged `throttled`,
while the SAME user logs in from another allowed IP (127.0.0.2, a second loopback source
address) during and after the attack, each AUTH answered 235 in well under a second. Failures
before the limit are answered after an exponential delay; the per-IP budget also stops a
username spray from one IP; the attacked (username, IP) pair stays locked even with the right
password."""
import base64
import smtplib
import sys
import threading
import time
import unittest

from harness import PASSWORD, Relay, RelayTestCase, insecure_tls, plain

ATTACKER, APP, PROBE = "127.0.0.1", "127.0.0.2", "127.0.0.3"
ATTEMPTS = 1000
THROTTLED = (454, b"4.7.0 Temporary authentication failure, try again later")
FAILED = (535, b"5.7.8 Authentication failed")
OK = (235, b"2.7.0 Authentication successful")


class BruteForce(RelayTestCase):

    @classmethod
    def _setup(cls):
        r = cls.relay = Relay(ipv6=False, extra_config='[auth]\nmax_failures_per_ip = 30\n'
                              'failure_window = "10m"\n').start()
        r.add_account("acme")
        r.add_user("acme", "victim", PASSWORD, "--allow-ip", "127.0.0.0/29")
        r.add_user("acme", "bystander", PASSWORD)

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "relay", None):
            cls.relay.cleanup()

    def session(self, source):
        s = smtplib.SMTP_SSL("127.0.0.1", self.relay.ports["implicit"], context=insecure_tls(),
                             source_address=(source, 0), timeout=30)
        s.ehlo("client.test")
        return s

    def timed_auth(self, source, user, password, s=None):
        own = s is None
        s = s or self.session(source)
        t0 = time.monotonic()
        reply = s.docmd("AUTH", "PLAIN " + plain(user, password))
        elapsed = time.monotonic() - t0
        if own:
            s.close()
        return reply, elapsed

    def auth_events(self, *filters):
        return self.relay.auth_events("--limit", "5000", *filters)

    def wait_count(self, predicate, count, filters, timeout=10):
        deadline = time.time() + timeout
        n = -1
        while time.time() < deadline:
            n = sum(1 for e in self.auth_events(*filters) if predicate(e))
            if n >= count:
                return n
            time.sleep(0.2)
        return n

    def test_1_exponential_delay_before_the_limit(self):
        s = self.session(PROBE)
        times = []
        for i in range(6):
            reply, elapsed = self.timed_auth(PROBE, "victim", "probe guess %d" % i, s=s)
            self.assertEqual(reply, FAILED)
            times.append(elapsed)
        s.close()
        # 3 free failures, then 250 ms, 500 ms, 1 s (the throttle's documented defaults).
        slack = 0.02
        self.assertGreaterEqual(times[3], 0.25 - slack, times)
        self.assertGreaterEqual(times[4], 0.5 - slack, times)
        self.assertGreaterEqual(times[5], 1.0 - slack, times)

    def test_2_thousand_guesses_are_throttled_while_the_app_logs_in_elsewhere(self):
        lock = threading.Lock()
        issued = [0]
        replies, errors = [], []
        app_logins = []
        attack_done = threading.Event()
        throttling = threading.Event()  # the attacker got its first 454

        def attacker():
            try:
                while True:
                    with lock:
                        n = min(15, ATTEMPTS - issued[0])  # < 20 errors per session
                        first = issued[0]
                        issued[0] += n
                    if n <= 0:
                        return
                    s = self.session(ATTACKER)
                    for k in range(first, first + n):
                        reply = s.docmd("AUTH", "PLAIN " + plain("victim", "guess %d" % k))
                        with lock:
                            replies.append(reply)
                        if reply[0] == 454:
                            throttling.set()
                        time.sleep(0.01)  # keep the attack going while the app logs in
                    s.close()
            except Exception as e:  # noqa: BLE001 - reported below
                with lock:
                    errors.append(repr(e))

        def app():
            # The legitimate app logs in from its other allowed address while the attacker is
            # being throttled.
            if not throttling.wait(60):
                return
            while not attack_done.is_set():
                app_logins.append(self.timed_auth(APP, "victim", PASSWORD))
                time.sleep(0.1)

        # The app has been logging in before the attack, as apps do. (Its very first login
        # costs an Argon2id verification, which on a loaded 2-core machine can take longer than
        # the bound below; a success never waits for the throttle, so that is no throttle delay.)
        reply, _ = self.timed_auth(APP, "victim", PASSWORD)
        self.assertEqual(reply, OK)
        started = time.monotonic()
        workers = [threading.Thread(target=attacker) for _ in range(8)]
        app_thread = threading.Thread(target=app)
        for t in workers:
            t.start()
        app_thread.start()
        for t in workers:
            t.join(90)
        attack_done.set()
        app_thread.join(30)
        attack_time = time.monotonic() - started

        self.assertEqual(errors, [])
        self.assertEqual(len(replies), ATTEMPTS)
        throttled = sum(1 for r in replies if r == THROTTLED)
        failed = sum(1 for r in replies if r == FAILED)
        sys.stderr.write("attack: %d x 454, %d x 535 in %.1f s; app logins from %s: %d, slowest "
                         "%.3f s\n" % (throttled, failed, attack_time, APP, len(app_logins),
                                       max([t for _, t in app_logins] or [0])))
        self.assertEqual(throttled + failed, ATTEMPTS, set(replies))
        # Per (username, IP) the budget is 10 failures; a few more may have been in flight.
        self.assertLessEqual(failed, 10 + len(workers), failed)
        self.assertGreaterEqual(throttled, ATTEMPTS - 10 - len(workers))
        self.assertLess(attack_time, 90)

        # The app was never locked out nor slowed down: during the attack ...
        self.assertGreaterEqual(len(app_logins), 3)
        for reply, elapsed in app_logins:
            self.assertEqual(reply, OK)
            self.assertLess(elapsed, 1.0, app_logins)
        # ... and right after it.
        reply, elapsed = self.timed_auth(APP, "victim", PASSWORD)
        self.assertEqual(reply, OK)
        self.assertLess(elapsed, 1.0)

        # Every throttled attempt is in the auth log as throttled, with the attacker's IP.
        logged = self.wait_count(lambda e: e["reason"] == "throttled", throttled,
                                 ["--user", "victim", "--ip", ATTACKER])
        self.assertEqual(logged, throttled)
        sample = [e for e in self.auth_events("--user", "victim", "--ip", ATTACKER)
                  if e["reason"] == "throttled"][0]
        self.assertEqual(sample["result"], "fail")
        self.assertEqual(sample["reply"], "454 4.7.0 Temporary authentication failure, try again later")
        app_ok = [e for e in self.auth_events("--user", "victim", "--ip", APP) if e["result"] == "ok"]
        self.assertEqual(len(app_ok), len(app_logins) + 2)
        self.assertTrue(all(e["reason"] == "ok" for e in app_ok))

        # The attacked pair stays throttled even with the right password: the attacker learns
        # nothing, and nothing is checked.
        reply, _ = self.timed_auth(ATTACKER, "victim", PASSWORD)
        self.assertEqual(reply, THROTTLED)

    def test_3_username_spray_exhausts_the_ip_budget(self):
        # Other users from the attacker's IP are still served until the IP budget (30) is
        # used up by a spray of other usernames; then everything from that IP gets 454.
        # Failures past the free ones are delayed (up to 4 s each): spray in parallel.
        lock = threading.Lock()
        replies, errors = [], []

        def sprayer(n):
            try:
                s = self.session(ATTACKER)
                for i in range(3):
                    code = s.docmd("AUTH", "PLAIN " + plain("spray%d-%d" % (n, i), "x"))
                    with lock:
                        replies.append((time.monotonic(), code))
                s.close()
            except Exception as e:  # noqa: BLE001 - reported below
                with lock:
                    errors.append(repr(e))

        ts = [threading.Thread(target=sprayer, args=(n,)) for n in range(15)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(60)
        self.assertEqual(errors, [])
        replies = [code for _, code in replies]
        self.assertEqual(len(replies), 45)
        self.assertTrue(all(r in (FAILED, THROTTLED) for r in replies), set(replies))
        replies = [r[0] for r in replies]
        self.assertIn(535, replies)
        # At most 30 failures per IP are checked at all (and some were spent before).
        self.assertGreaterEqual(replies.count(454), 45 - 30, replies)
        reply, _ = self.timed_auth(ATTACKER, "bystander", PASSWORD)
        self.assertEqual(reply, THROTTLED)
        e = self.relay.wait_auth_event(lambda e: e["username"] == "bystander" and e["ip"] == ATTACKER)
        self.assertEqual(e["reason"], "throttled")
        self.assertIn(ATTACKER, e["detail"])
        # The same user from another IP is unaffected.
        reply, elapsed = self.timed_auth(APP, "bystander", PASSWORD)
        self.assertEqual(reply, OK)
        self.assertLess(elapsed, 1.0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
