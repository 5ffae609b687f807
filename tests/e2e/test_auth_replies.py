"""Every AUTH outcome of replies.md, byte for byte, with the precise reason in the auth log:
538, 504, 501 (malformed, cancelled), 530, 535 5.7.8 for each credential failure, 535 5.7.1 for
IPv4 and IPv6 allow-list misses, 503; and the IP check runs only after valid credentials."""
import base64
import unittest

from harness import PASSWORD, Relay, has_ipv6, raw_auth


def b64(s):
    return base64.b64encode(s.encode()).decode()


def plain(user, password):
    return b64("\0%s\0%s" % (user, password))


FAILED = (535, b"5.7.8 Authentication failed")
IP_REFUSED = (535, b"5.7.1 IP not authorized")


class AuthReplies(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        r = cls.relay = Relay().start()
        r.add_account("acme")
        r.add_account("frozen")
        r.add_user("acme", "good")
        r.add_user("acme", "off")
        r.cli("user", "disable", "off")
        r.add_user("acme", "gone")
        r.cli("user", "delete", "gone")
        r.add_user("frozen", "iced")
        r.cli("account", "suspend", "frozen", "--reason", "unpaid")
        r.add_user("acme", "v4-elsewhere", PASSWORD, "--allow-ip", "192.0.2.0/24")
        r.add_user("acme", "v4-local", PASSWORD, "--allow-ip", "127.0.0.1", "--allow-ip", "2001:db8::/32")
        r.add_user("acme", "v6-local", PASSWORD, "--allow-ip", "::1")
        r.add_user("acme", "v6-elsewhere", PASSWORD, "--allow-ip", "2001:db8::/32", "--allow-ip", "127.0.0.0/8")

    @classmethod
    def tearDownClass(cls):
        cls.relay.cleanup()

    def event_for(self, username, reason):
        return self.relay.wait_auth_event(lambda e: e["username"] == username and e["reason"] == reason)

    def login(self, user, password=PASSWORD, host="127.0.0.1", mode="starttls"):
        s = self.relay.smtp(mode, host=host)
        reply = s.docmd("AUTH", "PLAIN " + plain(user, password))
        s.close()
        return reply

    def test_success_is_logged_with_session_facts(self):
        self.assertEqual(self.login("good"), (235, b"2.7.0 Authentication successful"))
        e = self.event_for("good", "ok")
        self.assertEqual(e["result"], "ok")
        self.assertEqual(e["ip"], "127.0.0.1")
        self.assertEqual(e["mechanism"], "PLAIN")
        self.assertIn(e["tls"], ("TLSv1.2", "TLSv1.3"))
        self.assertEqual(e["reply"], "235 2.7.0 Authentication successful")
        self.assertIsNotNone(e["user_id"])
        self.assertEqual(e["account"], "acme")
        self.assertTrue(e["listener"].startswith("127.0.0.1:"))

    def test_credential_failures_share_one_reply_and_differ_in_the_log(self):
        cases = [("nobody", PASSWORD, "unknown_user"), ("good", "wrong password!", "bad_password"),
                 ("off", PASSWORD, "user_disabled"), ("gone", PASSWORD, "user_deleted"),
                 ("iced", PASSWORD, "account_suspended")]
        for user, password, reason in cases:
            with self.subTest(reason=reason):
                self.assertEqual(self.login(user, password), FAILED)
                e = self.event_for(user, reason)
                self.assertEqual(e["result"], "fail")
                self.assertEqual(e["reply"], "535 5.7.8 Authentication failed")

    def test_auth_before_tls_is_538_and_no_auth_is_advertised(self):
        s = self.relay.smtp("plain")
        self.assertFalse(s.has_extn("auth"))
        self.assertTrue(s.has_extn("starttls"))
        self.assertEqual(s.docmd("AUTH", "PLAIN " + plain("good", PASSWORD)),
                         (538, b"5.7.11 Encryption required for requested authentication mechanism"))
        # TLS is checked before the mechanism.
        self.assertEqual(s.docmd("AUTH", "CRAM-MD5")[0], 538)
        s.close()
        e = self.relay.wait_auth_event(lambda e: e["reason"] == "tls_required" and e["mechanism"] == "PLAIN")
        self.assertEqual(e["tls"], None)

    def test_tls_none_listener_never_allows_auth(self):
        s = self.relay.smtp("none")
        self.assertFalse(s.has_extn("auth"))
        self.assertFalse(s.has_extn("starttls"))
        self.assertEqual(s.docmd("AUTH", "LOGIN")[0], 538)
        s.close()

    def test_other_mechanisms_are_504(self):
        s = self.relay.smtp("starttls")
        self.assertEqual(s.docmd("AUTH", "CRAM-MD5"), (504, b"5.5.4 Unrecognized authentication type"))
        s.close()
        self.relay.wait_auth_event(lambda e: e["reason"] == "mechanism_unsupported" and e["mechanism"] == "CRAM-MD5")

    def test_malformed_and_cancelled_are_501(self):
        s = self.relay.smtp("starttls")
        self.assertEqual(s.docmd("AUTH", "PLAIN not*base64"), (501, b"5.5.2 Cannot decode response"))
        self.assertEqual(s.docmd("AUTH", "PLAIN " + b64("no-nul-bytes")), (501, b"5.5.2 Cannot decode response"))
        replies = raw_auth(s, "LOGIN", b64("canceller"), "*")
        self.assertEqual(replies[0], (334, b"VXNlcm5hbWU6"))
        self.assertEqual(replies[1], (334, b"UGFzc3dvcmQ6"))
        self.assertEqual(replies[2], (501, b"5.7.0 Authentication cancelled"))
        s.close()
        self.relay.wait_auth_event(lambda e: e["reason"] == "malformed")
        self.event_for("canceller", "cancelled")

    def test_mail_without_auth_is_530(self):
        s = self.relay.smtp("starttls")
        self.assertEqual(s.docmd("MAIL", "FROM:<app@example.test>"), (530, b"5.7.0 Authentication required"))
        s.close()

    def test_second_auth_is_503(self):
        s = self.relay.smtp("starttls")
        s.login("good", PASSWORD)
        self.assertEqual(s.docmd("AUTH", "PLAIN " + plain("good", PASSWORD)),
                         (503, b"5.5.1 Already authenticated"))
        s.close()

    def test_ipv4_allow_list(self):
        self.assertEqual(self.login("v4-elsewhere"), IP_REFUSED)
        e = self.event_for("v4-elsewhere", "ip_not_allowed")
        self.assertEqual(e["reply"], "535 5.7.1 IP not authorized")
        self.assertIn("192.0.2.0/24", e.get("detail", ""))
        self.assertEqual(self.login("v4-local"), (235, b"2.7.0 Authentication successful"))

    def test_ip_check_only_after_valid_credentials(self):
        self.assertEqual(self.login("v4-elsewhere", "not the password"), FAILED)
        self.event_for("v4-elsewhere", "bad_password")

    @unittest.skipUnless(has_ipv6(), "no IPv6 loopback")
    def test_ipv6_allow_list(self):
        self.assertEqual(self.login("v6-local", host="::1"), (235, b"2.7.0 Authentication successful"))
        e = self.relay.wait_auth_event(lambda e: e["username"] == "v6-local" and e["result"] == "ok")
        self.assertEqual(e["ip"], "::1")
        self.assertEqual(self.login("v6-elsewhere", host="::1"), IP_REFUSED)
        self.relay.wait_auth_event(lambda e: e["username"] == "v6-elsewhere" and e["ip"] == "::1"
                                   and e["reason"] == "ip_not_allowed")
        # The same user's 127.0.0.0/8 entry admits it over IPv4; an IPv4-only list refuses ::1.
        self.assertEqual(self.login("v6-elsewhere"), (235, b"2.7.0 Authentication successful"))
        self.assertEqual(self.login("v4-local", host="::1"), IP_REFUSED)

    def test_hints_for_common_mistakes(self):
        self.assertEqual(self.login("good@example.test"), FAILED)
        e = self.event_for("good@example.test", "unknown_user")
        self.assertIn("username_has_at", e["hints"])
        self.assertEqual(self.login("good", PASSWORD + " "), FAILED)
        e = self.relay.wait_auth_event(lambda e: e["username"] == "good" and "trailing_whitespace" in e["hints"])
        self.assertEqual(e["reason"], "bad_password")

    def test_log_filters(self):
        self.login("good")
        self.login("nobody")
        self.relay.wait_auth_event(lambda e: e["username"] == "nobody")
        fails = self.relay.auth_events("--result", "fail")
        self.assertTrue(fails and all(e["result"] == "fail" for e in fails))
        mine = self.relay.auth_events("--user", "good")
        self.assertTrue(mine and all(e["username"] == "good" for e in mine))
        self.assertEqual(self.relay.auth_events("--ip", "203.0.113.9"), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
