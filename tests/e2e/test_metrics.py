"""Prometheus metrics (F16) end to end: GET /metrics needs no key, its counters move with a
successful login, a failed one (reason bad_password) and an accepted message, it shows the
store latency and session gauges, and `promtool check metrics` (Debian's prometheus package)
accepts the scraped text."""
import re
import shutil
import subprocess
import time
import unittest

from harness import PASSWORD, Relay, RelayTestCase, message, plain

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$')


def parse(text):
    """{'name{labels}': value} for every sample line."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, "not a sample line: %r" % line
        out[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return out


FAIL = 'postern_auth_attempts_total{result="fail",reason="bad_password"}'
OK = 'postern_auth_attempts_total{result="ok",reason="ok"}'
ACCEPTED = 'postern_messages_total{status="accepted"}'


class Metrics(RelayTestCase):
    @classmethod
    def _setup(cls):
        cls.relay = Relay(ipv6=False).start()
        cls.relay.add_account("acme")
        cls.relay.add_user("acme", "sender")

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "relay", None):
            cls.relay.cleanup()

    def scrape(self):
        status, text = self.relay.api("GET", "/metrics", key="")  # no Authorization header
        self.assertEqual(status, 200, text)
        self.assertIsInstance(text, str)
        return text

    def wait_for(self, predicate, what, timeout=10):
        deadline = time.time() + timeout
        while True:
            text = self.scrape()
            values = parse(text)
            if predicate(values) or time.time() > deadline:
                self.assertTrue(predicate(values), "%s: %s" % (what, text))
                return text, values

    def test_counters_move_and_promtool_accepts_the_output(self):
        before = parse(self.scrape())

        s = self.relay.smtp("starttls")
        # One AUTH exactly (smtplib's login() would try the next mechanism after a 535).
        code, _ = s.docmd("AUTH", "PLAIN " + plain("sender", "wrong " + PASSWORD))
        self.assertEqual(code, 535)
        s.close()
        s = self.relay.smtp("starttls")
        s.login("sender", PASSWORD)
        s.sendmail("app@example.test", ["bob@example.org"], message(subject="metrics"))
        s.quit()

        text, after = self.wait_for(
            lambda v: v.get(FAIL, 0) >= before.get(FAIL, 0) + 1 and v.get(OK, 0) >= before.get(OK, 0) + 1
            and v.get(ACCEPTED, 0) >= before.get(ACCEPTED, 0) + 1,
            "auth and message counters did not move")
        self.assertEqual(after[FAIL] - before.get(FAIL, 0), 1)
        self.assertEqual(after[OK] - before.get(OK, 0), 1)
        self.assertEqual(after[ACCEPTED] - before.get(ACCEPTED, 0), 1)
        # Store latency (the timed store wraps every call) and the operations gauges.
        self.assertTrue(any(k.startswith("postern_store_operation_seconds_count{op=") for k in after), text)
        self.assertIn('postern_store_operation_seconds_bucket{op="find_user",le="+Inf"}', after)
        self.assertIn("postern_sessions_active", after)
        for family in ("postern_auth_attempts_total counter", "postern_messages_total counter",
                       "postern_delivery_latency_seconds histogram",
                       "postern_store_operation_seconds histogram"):
            self.assertIn("# TYPE " + family + "\n", text)
        self.assertNotIn(PASSWORD, text)

        promtool = shutil.which("promtool")
        self.assertIsNotNone(promtool, "promtool not found: install the prometheus package "
                                       "(scripts/install-deps.sh test)")
        check = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                               text=True, timeout=60)
        self.assertEqual(check.returncode, 0, "promtool: %s%s" % (check.stdout, check.stderr))


if __name__ == "__main__":
    unittest.main(verbosity=2)
