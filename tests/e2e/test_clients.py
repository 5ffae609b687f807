"""Real clients (swaks, curl, msmtp, Python smtplib) log in with PLAIN and LOGIN over STARTTLS
and implicit TLS, and each accepted message is queued durably with our trace headers."""
import os
import subprocess
import unittest

from harness import PASSWORD, Relay, message


class RealClients(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.relay = Relay().start()
        cls.relay.add_account("acme")
        cls.relay.add_user("acme", "crm-mailer")

    @classmethod
    def tearDownClass(cls):
        cls.relay.cleanup()

    def assert_queued(self, before, rcpt):
        after = self.relay.queued()
        self.assertEqual(len(after), len(before) + 1, after)
        new = [m for m in after if m["id"] not in {b["id"] for b in before}][0]
        self.assertEqual(new["rcpt"], [rcpt])
        self.assertEqual(new["user"], "crm-mailer")
        return new

    def test_smtplib_plain_and_login_starttls_and_implicit(self):
        for mode in ("starttls", "implicit"):
            for mech in ("PLAIN", "LOGIN"):
                with self.subTest(mode=mode, mech=mech):
                    before = self.relay.queued()
                    s = self.relay.smtp(mode)
                    s.user, s.password = "crm-mailer", PASSWORD
                    code, text = s.auth(mech, getattr(s, "auth_" + mech.lower()),
                                        initial_response_ok=(mech == "PLAIN"))
                    self.assertEqual((code, text), (235, b"2.7.0 Authentication successful"))
                    rcpt = "py-%s-%s@example.org" % (mode, mech.lower())
                    refused = s.sendmail("app@example.test", [rcpt], message(rcpt=rcpt))
                    self.assertEqual(refused, {})
                    s.quit()
                    self.assert_queued(before, rcpt)

    def test_swaks(self):
        for mode, flag in (("starttls", "--tls"), ("implicit", "--tls-on-connect")):
            for mech in ("PLAIN", "LOGIN"):
                with self.subTest(mode=mode, mech=mech):
                    before = self.relay.queued()
                    rcpt = "swaks-%s-%s@example.org" % (mode, mech.lower())
                    r = subprocess.run(
                        ["swaks", "--server", "127.0.0.1", "--port", str(self.relay.ports[mode]),
                         flag, "--auth", mech, "--auth-user", "crm-mailer", "--auth-password",
                         PASSWORD, "--from", "app@example.test", "--to", rcpt,
                         "--helo", "swaks.test", "--hide-all"],
                        capture_output=True, text=True, timeout=60)
                    self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                    self.assert_queued(before, rcpt)

    def test_curl(self):
        path = os.path.join(self.relay.dir, "curl-msg.txt")
        for mode, scheme in (("starttls", "smtp"), ("implicit", "smtps")):
            for mech in ("PLAIN", "LOGIN"):
                with self.subTest(mode=mode, mech=mech):
                    before = self.relay.queued()
                    rcpt = "curl-%s-%s@example.org" % (mode, mech.lower())
                    with open(path, "w", newline="") as f:
                        f.write(message(rcpt=rcpt))
                    args = ["curl", "-sS", "--url", "%s://127.0.0.1:%d" % (scheme, self.relay.ports[mode]),
                            "-k", "--mail-from", "app@example.test", "--mail-rcpt", rcpt,
                            "--user", "crm-mailer:" + PASSWORD, "--login-options", "AUTH=" + mech,
                            "--upload-file", path]
                    if mode == "starttls":
                        args.append("--ssl-reqd")
                    r = subprocess.run(args, capture_output=True, text=True, timeout=60)
                    self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                    self.assert_queued(before, rcpt)

    def test_msmtp(self):
        for mode in ("starttls", "implicit"):
            for mech in ("plain", "login"):
                with self.subTest(mode=mode, mech=mech):
                    before = self.relay.queued()
                    rcpt = "msmtp-%s-%s@example.org" % (mode, mech)
                    conf = os.path.join(self.relay.dir, "msmtprc")
                    with open(conf, "w") as f:
                        f.write("account default\nhost 127.0.0.1\nport %d\ntls on\n"
                                "tls_starttls %s\ntls_certcheck off\nauth %s\nuser crm-mailer\n"
                                "password %s\nfrom app@example.test\n" % (
                                    self.relay.ports[mode], "on" if mode == "starttls" else "off",
                                    mech, PASSWORD))
                    os.chmod(conf, 0o600)
                    r = subprocess.run(["msmtp", "-C", conf, rcpt], input=message(rcpt=rcpt),
                                       capture_output=True, text=True, timeout=60)
                    self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                    self.assert_queued(before, rcpt)

    def test_queued_message_carries_trace_and_user_uuid(self):
        s = self.relay.smtp("starttls")
        s.login("crm-mailer", PASSWORD)
        # smtplib dot-stuffs ".leading" on the wire; the relay must store it un-stuffed.
        body = "X-Postern-User: forged\r\nSubject: trace\r\n\r\nBody line\r\n.leading dot\r\n"
        s.sendmail("app@example.test", ["trace@example.org"], body)
        s.quit()
        msg = [m for m in self.relay.queued() if m["rcpt"] == ["trace@example.org"]][0]
        uuid = self.relay.cli_json("user", "show", "crm-mailer")["uuid"]
        self.assertEqual(msg["user_id"], uuid)
        with open(os.path.join(self.relay.data, "spool", "queue", msg["id"]), "rb") as f:
            stored = f.read().split(b"\n", 1)[1]
        self.assertTrue(stored.startswith(b"Received: from client.test ([127.0.0.1])\r\n"
                                          b"\tby relay.test (Postern) with ESMTPSA id " +
                                          msg["id"].encode()), stored[:200])
        self.assertIn(b"X-Postern-User: " + uuid.encode() + b"\r\nSubject: trace\r\n", stored)
        self.assertNotIn(b"forged", stored)
        self.assertTrue(stored.endswith(b"\r\n\r\nBody line\r\n.leading dot\r\n"), stored[-80:])


if __name__ == "__main__":
    unittest.main(verbosity=2)
