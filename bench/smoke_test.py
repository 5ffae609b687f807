"""A short smoke run of smtpload against the real relay, for `make test`: correctness only
(every reply checked, counts exact, the JSON last line parses); no timing assertions.
Uses the end-to-end harness (tests/e2e/harness.py) to start Postern and create the user.
Env: POSTERN_BIN, SMTPLOAD_BIN (set by ctest)."""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "e2e"))
from harness import PASSWORD, Relay  # noqa: E402

SMTPLOAD = os.environ.get("SMTPLOAD_BIN") or os.path.join(
    os.path.dirname(__file__), "..", "build", "bench", "smtpload")


class SmtploadSmoke(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.relay = Relay(ipv6=False).start()
        cls.relay.add_account("bench")
        cls.relay.add_user("bench", "loader")
        cls.relay.add_user("bench", "loader2")

    @classmethod
    def tearDownClass(cls):
        cls.relay.cleanup()

    def load(self, *args, expect_rc=0):
        # The harness lets users send as example.test (sender permissions).
        cmd = [SMTPLOAD, "--timeout", "20", "--max-time", "120", "--from", "app@example.test", *args]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
        self.assertEqual(r.returncode, expect_rc, r.stdout + r.stderr)
        lines = r.stdout.strip().splitlines()
        return json.loads(lines[-1]), r.stdout

    def auth(self, mechanism="PLAIN", password=PASSWORD):
        return ["--auth", mechanism, "--user", "loader", "--password", password]

    def test_persistent_pipelined_starttls_plain(self):
        result, _ = self.load("--port", str(self.relay.ports["starttls"]), "--starttls",
                              *self.auth(), "--messages", "20", "--connections", "4",
                              "--per-conn", "5", "--pipelining", "--size", "2048", "--rcpts", "2")
        self.assertEqual((result["accepted"], result["failed"]), (20, 0), result)
        self.assertEqual(result["sessions"], 4)  # 4 connections x 5 messages
        self.assertGreater(result["msg_p50_ms"], 0)

    def test_connection_per_message_implicit_tls_login_many_users(self):
        users = os.path.join(self.relay.dir, "users.txt")
        with open(users, "w") as f:
            f.write("# user:password\nloader:%s\nloader2:%s\n" % (PASSWORD, PASSWORD))
        result, _ = self.load("--port", str(self.relay.ports["implicit"]), "--tls", "--auth",
                              "LOGIN", "--users-file", users, "--messages", "6",
                              "--connections", "3", "--per-conn", "1", "--threads", "2")
        self.assertEqual((result["accepted"], result["sessions"]), (6, 6), result)
        self.relay.wait_auth_event(lambda e: e.get("username") == "loader2" and e["result"] == "ok")

    def test_wrong_password_counts_failures_and_exits_nonzero(self):
        result, out = self.load("--port", str(self.relay.ports["starttls"]), "--starttls",
                                *self.auth(password="not the password"), "--messages", "2",
                                "--connections", "1", "--per-conn", "1", expect_rc=1)
        self.assertEqual((result["accepted"], result["failed"], result["sessions_failed"]),
                         (0, 2, 2), result)
        self.assertIn("AUTH: 535", out)

    def test_open_loop_with_duration_and_source_address(self):
        result, out = self.load("--port", str(self.relay.ports["starttls"]), "--starttls",
                                *self.auth(), "--source", "127.0.0.1", "--rate", "20",
                                "--duration", "1", "--per-conn", "1", "--connections", "10")
        # The duration, not --messages, bounds the run: every session offered is accounted for.
        self.assertGreater(result["messages"], 0, result)
        self.assertEqual((result["accepted"], result["failed"]), (result["messages"], 0), result)
        self.assertEqual(result["sessions_started"], result["messages"], result)
        self.assertEqual(result["auth_samples"], result["sessions"], result)
        self.assertGreater(result["auth_p50_ms"], 0, result)
        self.assertEqual((result["source"], result["rate"], result["duration_s"]),
                         ("127.0.0.1", 20.0, 1.0), result)
        self.assertIn("open loop:", out)
        self.assertIn("AUTH (AUTH..235) ms:", out)

    def test_expect_auth_fail_counts_refusals_as_expected(self):
        # Another source address: the relay's per-IP failure count must not touch the others.
        result, out = self.load("--port", str(self.relay.ports["starttls"]), "--starttls",
                                *self.auth(password="not the password"), "--source", "127.0.0.2",
                                "--expect-auth-fail", "--messages", "4", "--connections", "1",
                                "--per-conn", "2")
        self.assertEqual((result["auth_attempts"], result["auth_expected"], result["failed"]),
                         (4, 4, 0), result)
        self.assertEqual(result["auth_replies"], {"535": 4}, result)
        self.assertEqual(result["sessions"], 2)  # 2 AUTH attempts per session
        self.assertEqual(result["auth_samples"], 4)
        self.assertIn("auth replies: 535 x4", out)

    def test_expect_auth_fail_reports_a_success_as_a_failure(self):
        result, out = self.load("--port", str(self.relay.ports["starttls"]), "--starttls",
                                *self.auth(), "--expect-auth-fail", "--messages", "1",
                                "--connections", "1", expect_rc=1)
        self.assertEqual((result["auth_expected"], result["failed"]), (0, 1), result)
        self.assertEqual(result["auth_replies"], {"235": 1}, result)
        self.assertIn("a failure was expected", out)

    def test_idle_sessions_are_held_and_still_alive(self):
        result, out = self.load("--port", str(self.relay.ports["starttls"]), "--starttls",
                                *self.auth(), "--idle", "5", "--hold", "1", "--connections", "5")
        self.assertEqual((result["idle_established"], result["idle_alive"]), (5, 5), result)
        self.assertIn("holding 5 idle sessions", out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
