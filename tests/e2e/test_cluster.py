"""Scale-out (issue 8): two relay nodes share one real PostgreSQL, behind HAProxy sending
PROXY v2. Logins work through either node; allow lists see the real client behind the proxy;
a user deleted on node A is refused on node B within a second; a quota holds across nodes."""
import smtplib
import threading
import time
import unittest

from harness import PASSWORD, Relay, RelayTestCase, insecure_tls, message, plain
from peers import Haproxy
from pg import PgCluster


class TwoNodes(RelayTestCase):
    @classmethod
    def _setup(cls):
        cls.pg = PgCluster().start()
        url = cls.pg.create_database("postern")
        cls.a = Relay(proxy=["127.0.0.1/32"], store_url=url).start()
        cls.b = Relay(proxy=["127.0.0.1/32"], store_url=url).start()
        cls.a.add_account("acme")
        cls.a.add_user("acme", "app", PASSWORD)
        cls.a.add_user("acme", "from-loopback", PASSWORD, "--allow-ip", "127.0.0.1/32")
        cls.a.add_user("acme", "from-two", PASSWORD, "--allow-ip", "127.0.0.2/32")
        cls.a.add_user("acme", "limited", PASSWORD, "--quota", "10", "--quota-period", "total",
                       "--domain", "example.test")
        cls.a.add_user("acme", "paced", PASSWORD, "--rate", "3/m", "--domain", "example.test")
        cls.haproxy = Haproxy([cls.a.ports["proxy"], cls.b.ports["proxy"]]).start()
        cls.port = cls.haproxy.port

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "haproxy", None):
            cls.haproxy.cleanup()
        for name in ("a", "b"):
            if getattr(cls, name, None):
                getattr(cls, name).cleanup()
        if getattr(cls, "pg", None):
            cls.pg.stop()

    def client(self, source="127.0.0.1", port=None):
        c = smtplib.SMTP("127.0.0.1", port or self.port, timeout=30, source_address=(source, 0))
        c.ehlo("client.test")
        c.starttls(context=insecure_tls())
        c.ehlo("client.test")
        return c

    def login(self, user, source="127.0.0.1", port=None):
        with self.client(source, port) as c:
            return c.docmd("AUTH", "PLAIN " + plain(user, PASSWORD))

    def test_logins_through_either_node(self):
        for _ in range(4):
            self.assertEqual(self.login("app")[0], 235)
        # Each node logs the listener that took the session: both must appear.
        listeners = set()
        deadline = time.time() + 5
        while time.time() < deadline and len(listeners) < 2:
            listeners = {e["listener"] for e in self.a.auth_events("--user", "app", "--limit", "50")
                         if e["result"] == "ok"}
            time.sleep(0.1)
        want = {"127.0.0.1:%d" % self.a.ports["proxy"], "127.0.0.1:%d" % self.b.ports["proxy"]}
        self.assertEqual(listeners, want)

    def test_allow_list_sees_the_real_client(self):
        # HAProxy connects from 127.0.0.1 (which from-loopback allows); the client is 127.0.0.2.
        for _ in range(2):  # once per node (round robin)
            self.assertEqual(self.login("from-loopback", source="127.0.0.2"),
                             (535, b"5.7.1 IP not authorized"))
            self.assertEqual(self.login("from-two", source="127.0.0.2")[0], 235)
        events = self.a.auth_events("--user", "from-loopback", "--limit", "10")
        self.assertTrue(events)
        for e in events:
            self.assertEqual((e["ip"], e["reason"]), ("127.0.0.2", "ip_not_allowed"))

    def test_delete_on_a_is_seen_by_b_within_a_second(self):
        self.a.add_user("acme", "short-lived", PASSWORD)
        self.assertEqual(self.login("short-lived", port=self.b.ports["starttls"])[0], 235)
        self.a.cli("user", "delete", "short-lived")
        deleted_at = time.monotonic()
        # The first login on node B after the CLI returned must already fail.
        code, text = self.login("short-lived", port=self.b.ports["starttls"])
        elapsed = time.monotonic() - deleted_at
        self.assertEqual((code, text), (535, b"5.7.8 Authentication failed"))
        self.assertLess(elapsed, 1.0)
        e = self.b.wait_auth_event(lambda e: e["username"] == "short-lived" and e["result"] == "fail")
        self.assertEqual(e["reason"], "user_deleted")

    def test_quota_holds_across_nodes(self):
        accepted, refused, errors = [], [], []
        lock = threading.Lock()

        def send(port, n):
            try:
                with self.client(port=port) as c:
                    c.docmd("AUTH", "PLAIN " + plain("limited", PASSWORD))
                    for _ in range(n):
                        code, _ = c.docmd("MAIL", "FROM:<app@example.test>")
                        if code != 250:
                            with lock:
                                refused.append(code)
                            c.docmd("RSET")
                            continue
                        code, _ = c.docmd("RCPT", "TO:<bob@example.org>")
                        if code != 250:
                            with lock:
                                refused.append(code)
                            c.docmd("RSET")
                            continue
                        code, _ = c.data(message())
                        with lock:
                            (accepted if code == 250 else refused).append(code)
            except Exception as e:  # noqa: BLE001 - reported below
                with lock:
                    errors.append(repr(e))

        threads = [threading.Thread(target=send, args=(relay.ports["starttls"], 8))
                   for relay in (self.a, self.b, self.a, self.b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual(errors, [])
        self.assertEqual(len(accepted), 10, "accepted %d, refused %s" % (len(accepted), refused))
        self.assertEqual(len(refused), 22)
        self.assertTrue(all(code == 452 for code in refused), refused)

    def test_rate_limit_holds_across_nodes(self):
        codes = []
        for relay in (self.a, self.b, self.a, self.b):
            with self.client(port=relay.ports["starttls"]) as c:
                c.docmd("AUTH", "PLAIN " + plain("paced", PASSWORD))
                codes.append(c.docmd("MAIL", "FROM:<app@example.test>")[0])
        # 3 per minute for the user, counted in PostgreSQL: the fourth MAIL, on either node, is
        # refused with 421 (replies.md), though no node saw more than two.
        self.assertEqual(codes, [250, 250, 250, 421])


if __name__ == "__main__":
    unittest.main()
