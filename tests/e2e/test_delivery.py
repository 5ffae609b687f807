"""Delivery to real peers through MX records served by a local dnsmasq: STARTTLS to an aiosmtpd
sink with the body byte-identical, 4xx from smtp-sink then delivery on retry, 5xx and null MX
bounced with an RFC 3464 DSN that reaches the sender's own MX, an unreachable host deferred and
then expired with a bounce, and every step in `postern log messages`."""
import email
import os
import time
import unittest

from harness import PASSWORD, Relay, message
from peers import Dns, Sink, SmtpSink, free_port_all, make_cert

GOOD, FLAKY, REJECT, SENDER, DOWN = "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.9"


class Delivery(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.port = free_port_all([GOOD, FLAKY, REJECT, SENDER, DOWN])
        cls.dns = Dns([
            "--mx-host=good.test,mx.good.test,10", "--host-record=mx.good.test,%s" % GOOD,
            "--mx-host=flaky.test,mx.flaky.test,10", "--host-record=mx.flaky.test,%s" % FLAKY,
            "--mx-host=reject.test,mx.reject.test,10", "--host-record=mx.reject.test,%s" % REJECT,
            "--mx-host=sender.test,mx.sender.test,10", "--host-record=mx.sender.test,%s" % SENDER,
            "--mx-host=down.test,mx.down.test,10", "--host-record=mx.down.test,%s" % DOWN,
            # RFC 7505 null MX: preference 0, root target.
            "--dns-rr=nullmx.test,15,000000",
        ])
        extra = ('[delivery]\nresolver = "127.0.0.1:%d"\nmx_port = %d\nmax_queue_age = "8s"\n'
                 'retry_schedule = ["1s"]\nconnect_timeout = "2s"\n' % (cls.dns.port, cls.port))
        cls.relay = Relay(extra_config=extra, ipv6=False, hold_mail=False).start()
        cls.relay.add_account("acme")
        cls.relay.add_user("acme", "sender")
        # sender.test belongs to the account: mail from it is DKIM-signed by the relay.
        cls.dkim_records = {r["name"] + ".": r["value"] for r in
                            cls.relay.cli_json("domain", "add", "acme", "sender.test")["records"]}
        d = cls.relay.dir
        cert, key = make_cert(d)
        cls.good = Sink(GOOD, cls.port, os.path.join(d, "good"), cert, key)
        cls.bounces = Sink(SENDER, cls.port, os.path.join(d, "sender"))
        cls.reject = SmtpSink(REJECT, cls.port, os.path.join(d, "reject"), ["-f", "RCPT"])

    @classmethod
    def tearDownClass(cls):
        for peer in (cls.good, cls.bounces, cls.reject):
            peer.stop()
        cls.relay.cleanup()
        cls.dns.stop()

    def send(self, rcpt, body="Hello.\r\n", subject="test"):
        s = self.relay.smtp("starttls")
        s.login("sender", PASSWORD)
        msg = message(sender="app@sender.test", rcpt=rcpt, subject=subject, body=body)
        s.sendmail("app@sender.test", [rcpt], msg)
        s.quit()
        return msg.encode()

    def events(self, rcpt):
        return [e for e in self.relay.cli_json("log", "messages", "--limit", "500") if e["rcpt"] == rcpt]

    def wait_status(self, rcpt, status, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for e in self.events(rcpt):
                if e["status"] == status:
                    return e
            time.sleep(0.2)
        raise AssertionError("no %s event for %s: %s" % (status, rcpt, self.events(rcpt)))

    def bounce_for(self, rcpt, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for meta, data in self.bounces.messages():
                if ("Final-Recipient: rfc822; " + rcpt).encode() in data:
                    return meta, data
            time.sleep(0.2)
        raise AssertionError("no DSN for %s reached the sender's MX" % rcpt)

    def assert_dsn(self, meta, data, rcpt, status_prefix, subject):
        self.assertIn(meta["mail_from"], ("", "<>"))  # null sender (aiosmtpd shows "<>")
        self.assertEqual(meta["rcpt"], ["app@sender.test"])
        msg = email.message_from_bytes(data)
        self.assertEqual(msg.get_content_type(), "multipart/report")
        self.assertEqual(msg.get_param("report-type"), "delivery-status")
        parts = [p.get_content_type() for p in msg.walk()]
        self.assertIn("message/delivery-status", parts)
        self.assertIn("text/rfc822-headers", parts)
        self.assertIn(b"Status: " + status_prefix.encode(), data)
        self.assertIn(("Subject: " + subject).encode(), data)  # the original headers

    def test_mx_delivery_over_starttls_is_byte_identical(self):
        body = "Line one\r\n.starts with a dot\r\n\r\nLast line, no newline after" + "\r\n"
        sent = self.send("bob@good.test", body=body, subject="byte identical")
        before = len(self.good.messages())
        got = self.good.wait_for(before + 1)
        meta, data = [m for m in got if b"byte identical" in m[1]][0]
        self.assertTrue(meta["tls"], "delivery did not use STARTTLS")
        self.assertEqual(meta["rcpt"], ["bob@good.test"])
        self.assertEqual(meta["mail_from"], "app@sender.test")
        self.assertTrue(data.endswith(sent), "the client's message did not arrive byte-identical")
        headers = data.split(b"\r\n\r\n", 1)[0]
        self.assertIn(b"\r\nReceived: from client.test", b"\r\n" + headers)
        e = self.wait_status("bob@good.test", "delivered")
        self.assertEqual(e["mx"], "mx.good.test:%d" % self.port)
        self.assertTrue(e["remote_reply"].startswith("250"))
        self.assertEqual(e["user"], "sender")
        self.assertEqual(self.wait_status("bob@good.test", "accepted")["id"], e["id"])

    def test_relayed_mail_is_dkim_signed_with_rsa_and_ed25519(self):
        import dkim  # Debian's python3-dkim (dkimpy), with python3-nacl for Ed25519

        def dnsfunc(name, timeout=5):
            name = name.decode() if isinstance(name, bytes) else name
            value = self.dkim_records.get(name)
            return value.encode() if value else None

        self.send("dkim@good.test", subject="signed please")
        got = self.good.wait_for(1)
        deadline = time.time() + 20
        while not [d for _, d in got if b"signed please" in d] and time.time() < deadline:
            time.sleep(0.2)
            got = self.good.messages()
        data = [d for _, d in got if b"signed please" in d][0]
        self.assertIn(b"a=rsa-sha256", data)
        self.assertIn(b"a=ed25519-sha256", data)
        for idx in (0, 1):
            self.assertTrue(dkim.DKIM(data).verify(idx=idx, dnsfunc=dnsfunc), "signature %d" % idx)
        tampered = data.replace(b"Hello.", b"Hellp.")
        try:
            ok = dkim.DKIM(tampered).verify(idx=0, dnsfunc=dnsfunc)
        except dkim.DKIMException:  # dkimpy raises on a body hash mismatch
            ok = False
        self.assertFalse(ok, "a tampered body still verified")

    def test_4xx_is_retried_until_delivered(self):
        d = os.path.join(self.relay.dir, "flaky")
        flaky = SmtpSink(FLAKY, self.port, d, ["-r", "RCPT"])
        try:
            self.send("carol@flaky.test", subject="flaky")
            e = self.wait_status("carol@flaky.test", "deferred")
            self.assertTrue(e["remote_reply"].startswith("450"), e)
        finally:
            flaky.stop()
        flaky = SmtpSink(FLAKY, self.port, d + "-ok")
        try:
            e = self.wait_status("carol@flaky.test", "delivered")
            self.assertGreaterEqual(e["attempt"], 2)
            self.assertEqual(flaky.count(), 1)
        finally:
            flaky.stop()

    def test_5xx_bounces_to_the_sender(self):
        self.send("dave@reject.test", subject="rejected one")
        e = self.wait_status("dave@reject.test", "bounced")
        self.assertTrue(e["remote_reply"].startswith("5"), e)
        meta, data = self.bounce_for("dave@reject.test")
        self.assert_dsn(meta, data, "dave@reject.test", "5.", "rejected one")

    def test_null_mx_bounces_at_once(self):
        start = time.time()
        self.send("erin@nullmx.test", subject="null mx")
        e = self.wait_status("erin@nullmx.test", "bounced")
        self.assertEqual(e["attempt"], 1)
        self.assertIn("5.1.10", e["remote_reply"])
        meta, data = self.bounce_for("erin@nullmx.test")
        self.assert_dsn(meta, data, "erin@nullmx.test", "5.1.10", "null mx")
        self.assertLess(time.time() - start, 15)
        # A hard bounce suppresses the address for the account: the next RCPT is refused.
        listed = [x["address"] for x in self.relay.cli_json("suppression", "list", "acme")]
        self.assertIn("erin@nullmx.test", listed)
        s = self.relay.smtp("starttls")
        s.login("sender", PASSWORD)
        s.docmd("MAIL", "FROM:<app@sender.test>")
        self.assertEqual(s.docmd("RCPT", "TO:<erin@nullmx.test>"),
                         (550, b"5.1.1 [SUPPRESSED] erin@nullmx.test"))
        s.close()

    def test_unreachable_host_defers_then_expires_with_a_bounce(self):
        self.send("frank@down.test", subject="nobody home")
        self.wait_status("frank@down.test", "deferred")
        e = self.wait_status("frank@down.test", "expired", timeout=30)
        self.assertGreaterEqual(e["attempt"], 2)
        meta, data = self.bounce_for("frank@down.test")
        self.assert_dsn(meta, data, "frank@down.test", "4.", "nobody home")

    def test_queue_is_empty_once_everything_is_final(self):
        self.send("gina@good.test", subject="cleanup")
        self.wait_status("gina@good.test", "delivered")
        deadline = time.time() + 10
        while time.time() < deadline:
            ids = [m["id"] for m in self.relay.queued() if "gina@good.test" in m["rcpt"]]
            if not ids:
                return
            time.sleep(0.2)
        self.fail("the delivered message is still in the spool")


if __name__ == "__main__":
    unittest.main(verbosity=2)
