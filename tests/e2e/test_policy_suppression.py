"""The per-account suppression list (F14) with the real CLI and real clients: add (case-
insensitive), list, remove, CSV import (idempotent) and export round trip; RCPT TO a
suppressed address answers `550 5.1.1 [SUPPRESSED] <address>` (smtplib and swaks) and is logged
with status and reason `suppressed`, other recipients of the same message are still accepted,
and another account's list does not apply. A hard bounce (5.1.x) from the next hop adds the
recipient to the account's list (reason hard_bounce); a policy bounce (5.7.x) does not."""
import csv
import io
import os
import time
import unittest

from aiosmtpd.controller import Controller

from harness import Relay, RelayTestCase, message
from peers import free_port
from policy_util import (Transaction, login, queue_id_of, swaks, swaks_server_lines,
                         wait_message_events)


def suppressed(address):
    return (550, ("5.1.1 [SUPPRESSED] %s" % address).encode())


class NextHop:
    """The relay's smarthost (in-process aiosmtpd): a hard 5.1.1 for "nosuchuser*", a policy
    5.7.1 for "policy*", and 451 for everything else (so accepted mail stays queued)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nosuchuser"):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if address.startswith("policy"):
            return "550 5.7.1 <%s>: Relay access denied by policy" % address
        return "451 4.3.0 try again later"


class Suppression(RelayTestCase):

    @classmethod
    def _setup(cls):
        port = free_port()
        cls.hop = Controller(NextHop(), hostname="127.0.0.1", port=port)
        cls.hop.start()
        extra = '[[delivery.route]]\ndomain = "*"\nto = "127.0.0.1:%d"\ntls = "none"\n' % port
        r = cls.relay = Relay(ipv6=False, hold_mail=False, extra_config=extra).start()
        r.add_account("acme")
        r.add_account("globex")
        r.add_user("acme", "acme-app")
        r.add_user("globex", "globex-app")

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "relay", None):
            cls.relay.cleanup()
        if getattr(cls, "hop", None):
            cls.hop.stop()

    def listed(self, account):
        return {e["address"]: e for e in self.relay.cli_json("suppression", "list", account)}

    def rcpt(self, user, address):
        s = login(self.relay, user)
        s.mail("app@example.test")
        reply = s.rcpt(address)
        s.close()
        return reply

    def test_add_list_remove(self):
        r = self.relay
        r.cli("suppression", "add", "acme", "Complainer@Example.ORG", "--reason", "complaint")
        entry = self.listed("acme")["complainer@example.org"]
        self.assertEqual(entry["reason"], "complaint")
        self.assertTrue(entry["created_at"])
        self.assertEqual(self.rcpt("acme-app", "complainer@example.org"),
                         suppressed("complainer@example.org"))
        self.assertEqual(self.rcpt("acme-app", "COMPLAINER@example.org"),
                         suppressed("COMPLAINER@example.org"))
        e = wait_message_events(r, lambda e: e["rcpt"] == "complainer@example.org")[0]
        self.assertEqual((e["status"], e["reason"], e["user"], e["account"]),
                         ("suppressed", "suppressed", "acme-app", "acme"))
        self.assertEqual(e["remote_reply"], "550 5.1.1 [SUPPRESSED] complainer@example.org")
        self.assertEqual(e["mail_from"], "app@example.test")
        # The list is per account.
        self.assertEqual(self.rcpt("globex-app", "complainer@example.org"), (250, b"2.1.5 OK"))
        r.cli("suppression", "remove", "acme", "complainer@example.org")
        self.assertNotIn("complainer@example.org", self.listed("acme"))
        self.assertEqual(self.rcpt("acme-app", "complainer@example.org"), (250, b"2.1.5 OK"))
        # Removing what is not there is an error with a message, not a crash.
        bad = r.cli("suppression", "remove", "acme", "never@example.org", check=False)
        self.assertNotEqual(bad.returncode, 0)
        self.assertTrue(bad.stderr.strip())

    def test_other_recipients_of_the_message_are_accepted(self):
        self.relay.cli("suppression", "add", "acme", "bounced@example.org", "--reason", "hard_bounce")
        s = login(self.relay, "acme-app")
        t = Transaction(s).run("app@example.test", ["ok@example.org", "bounced@example.org"],
                               message(rcpt="ok@example.org"))
        s.quit()
        self.assertEqual(t.replies["rcpt"], [(250, b"2.1.5 OK"), suppressed("bounced@example.org")])
        qid = queue_id_of(t.replies["data"])
        [queued] = [m for m in self.relay.queued() if m["id"] == qid]
        self.assertEqual(queued["rcpt"], ["ok@example.org"])
        e = wait_message_events(self.relay, lambda e: e["rcpt"] == "bounced@example.org")[0]
        self.assertEqual((e["status"], e["reason"]), ("suppressed", "suppressed"))

    def test_swaks_gets_the_exact_reply(self):
        self.relay.cli("suppression", "add", "acme", "swaks-target@example.org")
        code, out = swaks(self.relay, "acme-app", "app@example.test", "swaks-target@example.org")
        self.assertNotEqual(code, 0, out)
        self.assertIn("550 5.1.1 [SUPPRESSED] swaks-target@example.org", swaks_server_lines(out), out)
        e = wait_message_events(self.relay, lambda e: e["rcpt"] == "swaks-target@example.org")[0]
        self.assertEqual((e["status"], e["reason"]), ("suppressed", "suppressed"))

    def test_csv_import_and_export(self):
        r = self.relay
        path = os.path.join(r.dir, "import.csv")
        with open(path, "w") as f:
            f.write("address,reason,created_at\n"
                    "one@import.test,hard_bounce,2026-01-02T03:04:05.000Z\n"
                    "Two@Import.test,complaint\n"
                    "three@import.test\n")
        r.cli("suppression", "import", "globex", path)
        r.cli("suppression", "import", "globex", path)  # idempotent
        listed = self.listed("globex")
        for a in ("one@import.test", "two@import.test", "three@import.test"):
            self.assertIn(a, listed)
        self.assertEqual(listed["one@import.test"]["reason"], "hard_bounce")
        self.assertEqual(listed["two@import.test"]["reason"], "complaint")
        self.assertEqual(self.rcpt("globex-app", "two@import.test"), suppressed("two@import.test"))
        self.assertEqual(self.rcpt("acme-app", "two@import.test"), (250, b"2.1.5 OK"))

        # Export to stdout and to a file: the same CSV, every address once.
        out = r.cli("suppression", "export", "globex").stdout
        rows = list(csv.reader(io.StringIO(out)))
        self.assertEqual(rows[0], ["address", "reason", "created_at"])
        exported = {row[0]: row for row in rows[1:]}
        self.assertEqual(len(rows) - 1, len(exported))
        self.assertEqual(set(exported), set(listed))
        self.assertEqual(exported["one@import.test"][1], "hard_bounce")
        self.assertTrue(exported["one@import.test"][2].startswith("2026-01-02T03:04:05"))
        outfile = os.path.join(r.dir, "export.csv")
        r.cli("suppression", "export", "globex", outfile)
        with open(outfile) as f:
            self.assertEqual(f.read(), out)

        # The export imports into another account as the same list.
        r.add_account("initech")
        r.cli("suppression", "import", "initech", outfile)
        self.assertEqual(set(self.listed("initech")), set(listed))

    def test_hard_bounce_is_suppressed_automatically(self):
        s = login(self.relay, "acme-app")
        t = Transaction(s).run("app@example.test", ["nosuchuser@bounce.test", "policy@bounce.test"],
                               message(rcpt="nosuchuser@bounce.test"))
        s.quit()
        queue_id_of(t.replies["data"])
        for rcpt in ("nosuchuser@bounce.test", "policy@bounce.test"):
            e = wait_message_events(self.relay, lambda e: e["rcpt"] == rcpt and e["status"] == "bounced",
                                    timeout=20)[0]
            self.assertTrue(e["remote_reply"].startswith("550 5."), e)
        deadline = time.time() + 5
        while "nosuchuser@bounce.test" not in self.listed("acme") and time.time() < deadline:
            time.sleep(0.1)
        listed = self.listed("acme")
        self.assertEqual(listed["nosuchuser@bounce.test"]["reason"], "hard_bounce")
        self.assertNotIn("policy@bounce.test", listed)  # 5.7.1 is not about the mailbox
        self.assertEqual(self.rcpt("acme-app", "nosuchuser@bounce.test"),
                         suppressed("nosuchuser@bounce.test"))
        self.assertEqual(self.rcpt("acme-app", "policy@bounce.test"), (250, b"2.1.5 OK"))
        self.assertEqual(self.rcpt("globex-app", "nosuchuser@bounce.test"), (250, b"2.1.5 OK"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
