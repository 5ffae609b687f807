"""Domain Lockdown (F23) against the real binary, with the `_postern.<domain>` TXT records served
by a local dnsmasq: a record `v=pl1 auth=<other user>` refuses this user's message at end of DATA
with `550 5.7.1 [LOCKDOWN] Blocked. <domain> only allows other SMTP users (ref <id>)` (smtplib
and swaks), logged with reason `lockdown` and the ref; listing this user's UUID or username
(any case, in a list or in a second auth= tag) lets it through, as do a domain without a record
and a TXT record that is not a lockdown record."""
import json
import re
import unittest

from harness import PASSWORD, Relay, RelayTestCase, message
from policy_util import (DnsOnPort, Transaction, dns_port, login, queue_id_of, swaks,
                         swaks_server_lines, txt, wait_message_events)

DOMAINS = ["locked.test", "byuuid.test", "byname.test", "twotags.test", "open.test",
           "notlockdown.test"]


def lockdown_re(domain):
    return (r"5\.7\.1 \[LOCKDOWN\] Blocked\. %s only allows other SMTP users \(ref ([0-9a-f]+)\)"
            % re.escape(domain))


class Lockdown(RelayTestCase):

    @classmethod
    def _setup(cls):
        port = dns_port()
        r = cls.relay = Relay(ipv6=False, extra_config='[delivery]\nresolver = "127.0.0.1:%d"\n'
                              % port).start()
        cls.dns = None
        r.add_account("acme")
        opts = []
        for d in DOMAINS + ["example.test"]:
            opts += ["--domain", d]
        r.add_user("acme", "lock-app", PASSWORD, *opts)
        r.add_user("acme", "owner-app", PASSWORD, *opts)
        cls.uuid = r.cli_json("user", "show", "lock-app")["uuid"]
        owner = r.cli_json("user", "show", "owner-app")["uuid"]
        cls.dns = DnsOnPort(port, [
            txt("_postern.locked.test", "v=pl1 auth=owner-app"),
            txt("_postern.byuuid.test", "v=pl1 auth=%s" % cls.uuid.upper()),
            txt("_postern.byname.test", "v=pl1 auth=%s,Lock-App" % owner),
            txt("_postern.twotags.test", "v=pl1 auth=owner-app auth=lock-app"),
            txt("_postern.notlockdown.test", "v=spf1 -all"),
            "--local=/open.test/",  # NXDOMAIN: no lockdown
        ])

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "relay", None):
            cls.relay.cleanup()
        if getattr(cls, "dns", None):
            cls.dns.stop()

    def send(self, user, header_domain, envelope_domain=None):
        s = login(self.relay, user)
        mail_from = "app@" + (envelope_domain or header_domain)
        t = Transaction(s).run(mail_from, ["bob@example.org"],
                               message(sender="app@" + header_domain))
        s.quit()
        return t.replies

    def assert_locked(self, user, domain, reply):
        self.assertEqual(reply[0], 550, reply)
        m = re.fullmatch(lockdown_re(domain), reply[1].decode())
        self.assertTrue(m, reply)
        ref = m.group(1)
        e = wait_message_events(self.relay, lambda e: e["user"] == user and
                                ref in json.dumps(e))[0]
        self.assertEqual((e["status"], e["reason"]), ("rejected", "lockdown"))
        self.assertEqual(e["remote_reply"], "%d %s" % (reply[0], reply[1].decode()))
        self.assertEqual(e["rcpt"], "bob@example.org")
        self.assertIn("@" + domain, e["header_from"])
        return e

    def test_record_listing_another_user_refuses(self):
        replies = self.send("lock-app", "locked.test")
        self.assertEqual(replies["mail"], (250, b"2.1.0 OK"))  # checked on the header From:
        self.assert_locked("lock-app", "locked.test", replies["data"])
        queue_id_of(self.send("owner-app", "locked.test")["data"])
        # The envelope sender alone does not unlock it: the header From: is what recipients see.
        replies = self.send("lock-app", "locked.test", envelope_domain="example.test")
        self.assert_locked("lock-app", "locked.test", replies["data"])

    def test_listed_by_uuid_or_username(self):
        for domain in ("byuuid.test", "byname.test", "twotags.test"):
            with self.subTest(domain=domain):
                queue_id_of(self.send("lock-app", domain)["data"])
        # owner-app is listed in byname.test and twotags.test, not in byuuid.test.
        self.assert_locked("owner-app", "byuuid.test", self.send("owner-app", "byuuid.test")["data"])
        queue_id_of(self.send("owner-app", "byname.test")["data"])

    def test_no_record_or_another_record_means_no_lockdown(self):
        for domain in ("open.test", "notlockdown.test"):
            with self.subTest(domain=domain):
                queue_id_of(self.send("lock-app", domain)["data"])

    def test_swaks_sees_the_exact_reply(self):
        code, out = swaks(self.relay, "lock-app", "app@locked.test", "bob@example.org",
                          extra=["--header", "From: <app@locked.test>"])
        self.assertNotEqual(code, 0, out)
        [line] = [l for l in swaks_server_lines(out) if l.startswith("550 ")]
        m = re.fullmatch("550 " + lockdown_re("locked.test"), line)
        self.assertTrue(m, out)
        wait_message_events(self.relay, lambda e: m.group(1) in json.dumps(e)
                            and e["reason"] == "lockdown")


if __name__ == "__main__":
    unittest.main(verbosity=2)
