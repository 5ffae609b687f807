"""Password rotation with grace (F17) and report-only allow lists (F25), with the real CLI and
smtplib/swaks. `user passwd --grace 4s`: during the window the old password logs in (235) and
each such login is logged `previous_password` with the client IP; after it the old password
gets `535 5.7.8 Authentication failed` (the bytes of any credential failure) logged
`stale_password`, not `bad_password`, while the new password keeps working. Without --grace the
old password stops at once. A `report` allow list lets a non-matching IP in and logs
`ip_not_allowed` with `"enforced": false`; `enforce` refuses with 535 5.7.1."""
import base64
import time
import unittest

from harness import PASSWORD, Relay, RelayTestCase, plain
from policy_util import swaks, swaks_server_lines

NEW_PASSWORD = "battery staple 43"
OK = (235, b"2.7.0 Authentication successful")
FAILED = (535, b"5.7.8 Authentication failed")


class Rotation(RelayTestCase):

    @classmethod
    def _setup(cls):
        r = cls.relay = Relay(ipv6=False).start()
        r.add_account("acme")
        r.add_user("acme", "rotating")
        r.add_user("acme", "abrupt")
        r.add_user("acme", "learning", PASSWORD, "--allow-ip", "192.0.2.0/24",
                   "--allow-ip-mode", "report")
        r.add_user("acme", "enforcing", PASSWORD, "--allow-ip", "192.0.2.0/24")

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "relay", None):
            cls.relay.cleanup()

    def login(self, user, password):
        s = self.relay.smtp("starttls")
        reply = s.docmd("AUTH", "PLAIN " + plain(user, password))
        s.close()
        return reply

    def events(self, user, reason):
        return [e for e in self.relay.auth_events("--user", user, "--limit", "200")
                if e["reason"] == reason]

    def wait_events(self, user, reason, count, timeout=5):
        deadline = time.time() + timeout
        while time.time() < deadline:
            got = self.events(user, reason)
            if len(got) >= count:
                return got
            time.sleep(0.1)
        raise AssertionError("%d %s events for %s, expected %d: %s" % (
            len(self.events(user, reason)), reason, user, count,
            self.relay.auth_events("--user", user, "--limit", "10")))

    def test_both_sides_of_the_grace_window(self):
        r = self.relay
        grace = 4.0
        # The window starts when the CLI runs, so not before t0: a reply received before
        # t0 + grace was decided inside the window.
        t0 = time.time()
        r.cli("user", "passwd", "rotating", "--password-stdin", "--grace", "4s",
              input=NEW_PASSWORD + "\n")
        changed = time.time()
        until = r.cli_json("user", "show", "rotating")["previous_password_until"]
        self.assertIsNotNone(until)

        # Inside the window the old password works (smtplib and swaks), logged previous_password.
        self.assertEqual(self.login("rotating", PASSWORD), OK)
        code, out = swaks(r, "rotating", "app@example.test", "bob@example.org", password=PASSWORD)
        self.assertIn("235 2.7.0 Authentication successful", swaks_server_lines(out), out)
        self.assertLess(time.time(), t0 + grace, "the machine is too slow for this window")
        self.assertEqual(self.login("rotating", NEW_PASSWORD), OK)
        for e in self.wait_events("rotating", "previous_password", 2):
            self.assertEqual(e["result"], "ok")
            self.assertEqual(e["ip"], "127.0.0.1")
            self.assertIsInstance(e["port"], int)
            self.assertEqual(e["reply"], "235 2.7.0 Authentication successful")
            self.assertEqual(e["account"], "acme")
        self.assertEqual(len(self.wait_events("rotating", "ok", 1)), 1)
        self.assertEqual(self.events("rotating", "stale_password"), [])

        # After the window: the old password is refused as stale, the new one still works.
        time.sleep(max(0.0, grace + 0.5 - (time.time() - changed)))
        self.assertEqual(self.login("rotating", PASSWORD), FAILED)
        code, out = swaks(r, "rotating", "app@example.test", "bob@example.org", password=PASSWORD)
        self.assertNotEqual(code, 0, out)
        self.assertIn("535 5.7.8 Authentication failed", swaks_server_lines(out), out)
        stale = self.wait_events("rotating", "stale_password", 2)
        for e in stale:
            self.assertEqual(e["result"], "fail")
            self.assertEqual(e["reply"], "535 5.7.8 Authentication failed")
            self.assertEqual(e["ip"], "127.0.0.1")
        self.assertEqual(self.login("rotating", NEW_PASSWORD), OK)
        # A password that was never valid is still bad_password, not stale.
        self.assertEqual(self.login("rotating", "never the password"), FAILED)
        self.wait_events("rotating", "bad_password", 1)
        self.assertEqual(len(self.events("rotating", "previous_password")), 2)

    def test_without_grace_the_old_password_stops_at_once(self):
        self.relay.cli("user", "passwd", "abrupt", "--password-stdin", input=NEW_PASSWORD + "\n")
        self.assertEqual(self.login("abrupt", PASSWORD), FAILED)
        self.assertEqual(self.login("abrupt", NEW_PASSWORD), OK)
        self.assertEqual(self.events("abrupt", "previous_password"), [])

    def test_report_only_allow_list_logs_and_lets_in(self):
        show = self.relay.cli_json("user", "show", "learning")
        self.assertEqual(show["allow_ip_mode"], "report")
        self.assertEqual(self.login("learning", PASSWORD), OK)
        [e] = self.wait_events("learning", "ip_not_allowed", 1)
        self.assertEqual(e["result"], "ok")
        self.assertIs(e["enforced"], False)
        self.assertEqual(e["ip"], "127.0.0.1")
        self.assertEqual(e["reply"], "235 2.7.0 Authentication successful")
        # The session is really authenticated: it may send.
        code, out = swaks(self.relay, "learning", "app@example.test", "bob@example.org")
        self.assertEqual(code, 0, out)
        self.assertTrue(any(l.startswith("250 2.0.0 OK Message queued as ")
                            for l in swaks_server_lines(out)), out)
        # A wrong password is still refused before any IP check.
        self.assertEqual(self.login("learning", "wrong"), FAILED)
        self.wait_events("learning", "bad_password", 1)

    def test_enforced_allow_list_refuses_and_says_so(self):
        self.assertEqual(self.login("enforcing", PASSWORD), (535, b"5.7.1 IP not authorized"))
        [e] = self.wait_events("enforcing", "ip_not_allowed", 1)
        self.assertEqual(e["result"], "fail")
        self.assertIs(e["enforced"], True)
        # Switching the user to report mode takes effect for the next AUTH.
        self.relay.cli("user", "set", "enforcing", "--allow-ip-mode", "report")
        time.sleep(1.1)
        self.assertEqual(self.login("enforcing", PASSWORD), OK)
        got = self.wait_events("enforcing", "ip_not_allowed", 2)
        self.assertEqual((got[0]["result"], got[0]["enforced"]), ("ok", False))


if __name__ == "__main__":
    unittest.main(verbosity=2)
