"""Sender permission modes (F8) against the real binary, with DNS from a local dnsmasq:
`assigned` (exact assigned domains only), `account` (+ the account's verified domains: a domain
is added with `postern domain add`, its SPF, DKIM and DMARC records are published in dnsmasq
from that command's own output and `postern domain verify` marks it verified) and `any` (+ any
domain whose SPF includes the configured relay include host, following nested includes within
RFC 7208's 10-lookup limit). Refusals of the envelope sender at MAIL FROM and of the header
From: at end of DATA are `550 5.7.1 [ACL] Blocked. Sender domain <d> is not permitted for this
SMTP user (ref <id>)`, byte for byte (smtplib and swaks), logged with reason `acl` and the ref."""
import json
import re
import unittest

from harness import PASSWORD, Relay, RelayTestCase, message
from policy_util import (DnsOnPort, Transaction, dns_port, login, queue_id_of, swaks,
                         swaks_server_lines, txt, wait_message_events)

INCLUDE = "_spf.outbound.postern-relay.test"  # [policy] spf_include, not the hostname default


def acl_re(domain):
    return (r"5\.7\.1 \[ACL\] Blocked\. Sender domain %s is not permitted for this SMTP user "
            r"\(ref ([0-9a-f]+)\)" % re.escape(domain))


def spf_chain(prefix, length):
    """`length` nested includes below <prefix>.test, the last one including the relay."""
    names = ["%s.test" % prefix] + ["spf%d.%s-esp.test" % (i, prefix) for i in range(1, length)]
    records = []
    for i, name in enumerate(names):
        nxt = names[i + 1] if i + 1 < len(names) else INCLUDE
        records.append(txt(name, "v=spf1 ip4:192.0.2.%d include:%s -all" % (i + 1, nxt)))
    return records


class SenderPermissions(RelayTestCase):

    @classmethod
    def _setup(cls):
        port = dns_port()
        extra = ('[delivery]\nresolver = "127.0.0.1:%d"\ndns_timeout = "3s"\n'
                 '[policy]\nspf_include = "%s"\n' % (port, INCLUDE))
        r = cls.relay = Relay(extra_config=extra, ipv6=False).start()
        cls.dns = None
        r.add_account("acme")
        r.add_account("globex")
        r.add_user("acme", "assigned-app", PASSWORD, "--mode", "assigned", "--domain", "example.test")
        r.add_user("acme", "account-app", PASSWORD, "--mode", "account")
        r.add_user("acme", "any-app", PASSWORD, "--mode", "any")
        r.add_user("globex", "globex-app", PASSWORD, "--mode", "account")
        # The account's domains: one whose records get published, one whose records do not.
        added = json.loads(r.cli("domain", "add", "acme", "verified.test", "--json").stdout)
        r.cli("domain", "add", "acme", "unverified.test")
        records = []
        for rec in added["records"]:
            if rec["kind"] == "spf":
                cls.spf_value = rec["value"]
            records.append(txt(rec["name"], rec["value"]))
        records += spf_chain("nested", 3)     # nested.test -> 2 more includes -> the relay
        records += spf_chain("okdeep", 10)    # 10 DNS-querying terms: the limit, allowed
        records += spf_chain("toodeep", 11)   # 11: past RFC 7208's limit
        records += [txt("elsewhere.test", "v=spf1 include:spf.esp.test -all"),
                    txt("spf.esp.test", "v=spf1 ip4:198.51.100.0/24 -all"),
                    txt("softly.test", "v=spf1 ?include:%s -all" % INCLUDE),
                    txt("notspf.test", "some-verification=abc"),
                    "--local=/nodns.test/"]  # answered NXDOMAIN, not REFUSED
        cls.dns = DnsOnPort(port, records)
        verify = json.loads(r.cli("domain", "verify", "verified.test", "--json").stdout)
        assert verify["verified"] is True, verify
        unverified = json.loads(r.cli("domain", "verify", "unverified.test", "--json").stdout)
        assert unverified["verified"] is False, unverified

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "relay", None):
            cls.relay.cleanup()
        if getattr(cls, "dns", None):
            cls.dns.stop()

    # --- helpers ------------------------------------------------------------------------
    def envelope(self, user, mail_from):
        s = login(self.relay, user)
        reply = s.mail(mail_from)
        s.close()
        return reply

    def assert_acl(self, reply, domain):
        self.assertEqual(reply[0], 550, reply)
        m = re.fullmatch(acl_re(domain), reply[1].decode())
        self.assertTrue(m, reply)
        return m.group(1)

    def acl_event(self, user, ref, **fields):
        """The refusal in the message log: reason acl, and the ref the client was given."""
        events = wait_message_events(
            self.relay, lambda e: e["user"] == user and e["status"] == "rejected"
            and ref in json.dumps(e))
        e = events[0]
        self.assertEqual(e["reason"], "acl")
        self.assertTrue(re.fullmatch("550 " + acl_re("DOMAIN").replace("DOMAIN", r"\S+"),
                                     e["remote_reply"]), e)
        self.assertIn("(ref %s)" % ref, e["remote_reply"])
        self.assertEqual(e["account"], "acme")
        self.assertEqual(e["ip"], "127.0.0.1")
        for k, v in fields.items():
            self.assertEqual(e[k], v, e)
        return e

    def send(self, user, mail_from, header_from, rcpt="bob@example.org"):
        s = login(self.relay, user)
        t = Transaction(s).run(mail_from, [rcpt], message(sender=header_from, rcpt=rcpt))
        s.quit()
        return t.replies

    # --- the setup is what we think it is ------------------------------------------------
    def test_domain_verification_used_the_published_records(self):
        self.assertIn("include:", self.spf_value)
        self.assertIn(INCLUDE, self.spf_value)  # domain add prints the configured include host
        domains = {d["name"]: d for d in self.relay.cli_json("domain", "list")}
        self.assertTrue(domains["verified.test"]["verified"])
        self.assertFalse(domains["unverified.test"]["verified"])

    # --- assigned ------------------------------------------------------------------------
    def test_assigned_mode_envelope_sender(self):
        self.assertEqual(self.envelope("assigned-app", "app@example.test"), (250, b"2.1.0 OK"))
        self.assertEqual(self.envelope("assigned-app", "app@EXAMPLE.test"), (250, b"2.1.0 OK"))
        for domain in ("other.test", "sub.example.test", "verified.test", "nested.test"):
            with self.subTest(domain=domain):
                ref = self.assert_acl(self.envelope("assigned-app", "app@" + domain), domain)
                self.acl_event("assigned-app", ref, mail_from="app@" + domain, rcpt=None)

    def test_assigned_mode_header_from_is_checked_at_end_of_data(self):
        replies = self.send("assigned-app", "app@example.test", "boss@other.test")
        self.assertEqual(replies["mail"], (250, b"2.1.0 OK"))
        self.assertEqual(replies["rcpt"], [(250, b"2.1.5 OK")])
        ref = self.assert_acl(replies["data"], "other.test")
        e = self.acl_event("assigned-app", ref, mail_from="app@example.test", rcpt="bob@example.org")
        self.assertIn("boss@other.test", e["header_from"])
        # Matching envelope and header: queued.
        replies = self.send("assigned-app", "app@example.test", "app@example.test")
        queue_id_of(replies["data"])

    def test_swaks_sees_the_exact_replies(self):
        code, out = swaks(self.relay, "assigned-app", "app@forbidden.test", "bob@example.org")
        self.assertNotEqual(code, 0, out)
        lines = swaks_server_lines(out)
        refused = [l for l in lines if l.startswith("550 ")]
        self.assertEqual(len(refused), 1, out)
        m = re.fullmatch("550 " + acl_re("forbidden.test"), refused[0])
        self.assertTrue(m, out)
        self.acl_event("assigned-app", m.group(1), mail_from="app@forbidden.test")
        # Header From: at end of DATA, through swaks.
        code, out = swaks(self.relay, "assigned-app", "app@example.test", "bob@example.org",
                          extra=["--header", "From: Boss <boss@header-only.test>"])
        self.assertNotEqual(code, 0, out)
        refused = [l for l in swaks_server_lines(out) if l.startswith("550 ")]
        self.assertEqual(len(refused), 1, out)
        m = re.fullmatch("550 " + acl_re("header-only.test"), refused[0])
        self.assertTrue(m, out)
        self.acl_event("assigned-app", m.group(1), mail_from="app@example.test")

    # --- account -------------------------------------------------------------------------
    def test_account_mode_allows_verified_account_domains_only(self):
        replies = self.send("account-app", "app@verified.test", "news@verified.test")
        queue_id_of(replies["data"])
        for domain in ("unverified.test", "example.test", "nested.test"):
            with self.subTest(domain=domain):
                ref = self.assert_acl(self.envelope("account-app", "app@" + domain), domain)
                self.acl_event("account-app", ref, mail_from="app@" + domain)
        # Another account's user may not use acme's verified domain.
        s = login(self.relay, "globex-app")
        reply = s.mail("app@verified.test")
        s.close()
        ref = self.assert_acl(reply, "verified.test")
        events = wait_message_events(self.relay, lambda e: ref in json.dumps(e))
        self.assertEqual(events[0]["reason"], "acl")
        self.assertEqual(events[0]["user"], "globex-app")
        # Header From: on an unverified account domain is refused at end of DATA.
        replies = self.send("account-app", "app@verified.test", "app@unverified.test")
        ref = self.assert_acl(replies["data"], "unverified.test")
        self.acl_event("account-app", ref, mail_from="app@verified.test")

    # --- any -----------------------------------------------------------------------------
    def test_any_mode_follows_nested_spf_includes(self):
        for domain in ("nested.test", "okdeep.test", "verified.test"):
            with self.subTest(domain=domain):
                replies = self.send("any-app", "app@" + domain, "app@" + domain)
                self.assertEqual(replies["mail"], (250, b"2.1.0 OK"))
                queue_id_of(replies["data"])

    def test_any_mode_refuses_domains_whose_spf_does_not_include_the_relay(self):
        cases = ["elsewhere.test",  # includes someone else only
                 "toodeep.test",    # includes the relay at the 11th lookup
                 "softly.test",     # ?include: is not an authorisation
                 "notspf.test",     # a TXT record, but no SPF
                 "nodns.test"]      # nothing at all
        for domain in cases:
            with self.subTest(domain=domain):
                ref = self.assert_acl(self.envelope("any-app", "app@" + domain), domain)
                self.acl_event("any-app", ref, mail_from="app@" + domain)
        # The header From: gets the same SPF check.
        replies = self.send("any-app", "app@nested.test", "app@elsewhere.test")
        ref = self.assert_acl(replies["data"], "elsewhere.test")
        self.acl_event("any-app", ref, mail_from="app@nested.test")

    def test_refused_transaction_queues_nothing(self):
        before = len(self.relay.queued())
        replies = self.send("assigned-app", "app@example.test", "x@elsewhere.test")
        self.assertEqual(replies["data"][0], 550)
        self.assertEqual(len(self.relay.queued()), before)


if __name__ == "__main__":
    unittest.main(verbosity=2)
