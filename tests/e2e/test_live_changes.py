"""Changes made with the CLI while `postern serve` runs apply within one second without a
restart: disable, enable, delete, account suspend/resume, a new allow list, a new password.
A session that authenticated before the change cannot start another transaction."""
import time
import unittest

from harness import PASSWORD, Relay, message

OK = (235, b"2.7.0 Authentication successful")
FAILED = (535, b"5.7.8 Authentication failed")


class LiveChanges(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.relay = Relay().start()
        cls.relay.add_account("acme")

    @classmethod
    def tearDownClass(cls):
        cls.relay.cleanup()

    def login(self, user, password=PASSWORD):
        s = self.relay.smtp("starttls")
        try:
            s.user, s.password = user, password
            return s.auth("PLAIN", s.auth_plain)
        except Exception as e:  # smtplib raises on 5xx
            return (e.smtp_code, e.smtp_error)
        finally:
            s.close()

    def eventually(self, user, expected, password=PASSWORD):
        """The change must show within one second of the CLI returning."""
        deadline = time.time() + 1.0
        while True:
            got = self.login(user, password)
            if got == expected or time.time() > deadline:
                return got
            time.sleep(0.05)

    def test_disable_enable(self):
        self.relay.add_user("acme", "toggler")
        self.assertEqual(self.login("toggler"), OK)
        self.relay.cli("user", "disable", "toggler")
        self.assertEqual(self.eventually("toggler", FAILED), FAILED)
        self.relay.wait_auth_event(lambda e: e["username"] == "toggler" and e["reason"] == "user_disabled")
        self.relay.cli("user", "enable", "toggler")
        self.assertEqual(self.eventually("toggler", OK), OK)

    def test_delete(self):
        self.relay.add_user("acme", "doomed")
        self.assertEqual(self.login("doomed"), OK)
        self.relay.cli("user", "delete", "doomed")
        self.assertEqual(self.eventually("doomed", FAILED), FAILED)
        self.relay.wait_auth_event(lambda e: e["username"] == "doomed" and e["reason"] == "user_deleted")

    def test_suspend_resume_account(self):
        self.relay.add_account("flaky")
        self.relay.add_user("flaky", "flaky-app")
        self.assertEqual(self.login("flaky-app"), OK)
        self.relay.cli("account", "suspend", "flaky")
        self.assertEqual(self.eventually("flaky-app", FAILED), FAILED)
        self.relay.wait_auth_event(lambda e: e["username"] == "flaky-app" and e["reason"] == "account_suspended")
        self.relay.cli("account", "resume", "flaky")
        self.assertEqual(self.eventually("flaky-app", OK), OK)

    def test_new_allow_list(self):
        self.relay.add_user("acme", "fenced")
        self.assertEqual(self.login("fenced"), OK)
        self.relay.cli("user", "set", "fenced", "--allow-ip", "198.51.100.0/24")
        refused = (535, b"5.7.1 IP not authorized")
        self.assertEqual(self.eventually("fenced", refused), refused)
        self.relay.cli("user", "set", "fenced", "--allow-ip", "127.0.0.0/8")
        self.assertEqual(self.eventually("fenced", OK), OK)
        self.relay.cli("user", "set", "fenced", "--clear-ips")
        self.assertEqual(self.eventually("fenced", OK), OK)

    def test_password_change(self):
        self.relay.add_user("acme", "rotator")
        self.assertEqual(self.login("rotator"), OK)  # also fills the credential cache
        new = "a brand new secret 7"
        self.relay.cli("user", "passwd", "rotator", "--password-stdin", input=new + "\n")
        self.assertEqual(self.eventually("rotator", FAILED), FAILED)
        self.assertEqual(self.login("rotator", new), OK)

    def test_authenticated_session_loses_the_right_to_send(self):
        self.relay.add_user("acme", "inflight")
        s = self.relay.smtp("starttls")
        s.login("inflight", PASSWORD)
        s.sendmail("app@example.test", ["one@example.org"], message())
        self.relay.cli("user", "disable", "inflight")
        time.sleep(0.1)
        self.assertEqual(s.docmd("MAIL", "FROM:<app@example.test>"), (530, b"5.7.0 Authentication required"))
        s.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
