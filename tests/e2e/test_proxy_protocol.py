"""PROXY protocol v1/v2 on listeners that enable it (F20, issue 8): the source address in the
header is the client for allow lists and logs; only trusted peers may send one; a listener that
expects one closes connections without it. HAProxy (send-proxy-v2) in front of the relay shows
the real client address reaching the allow list."""
import smtplib
import socket
import struct
import time
import unittest

from peers import Haproxy
from harness import PASSWORD, Relay, RelayTestCase, insecure_tls, plain

V2_SIG = b"\r\n\r\n\x00\r\nQUIT\n"


def v1(src, dst="127.0.0.1", sport=40000, dport=587):
    fam = "TCP6" if ":" in src else "TCP4"
    return ("PROXY %s %s %s %d %d\r\n" % (fam, src, dst, sport, dport)).encode()


def v2(src, dst="127.0.0.1", sport=40000, dport=587):
    addr = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!HH", sport, dport)
    return V2_SIG + bytes([0x21, 0x11]) + struct.pack("!H", len(addr)) + addr


class ProxiedSMTP(smtplib.SMTP):
    """smtplib that sends a PROXY header right after connecting."""

    def __init__(self, header, *args, **kw):
        self._header = header
        super().__init__(*args, **kw)

    def _get_socket(self, host, port, timeout):
        sock = socket.create_connection((host, port), timeout, self.source_address)
        sock.sendall(self._header)
        return sock


class ProxiedSMTPSSL(smtplib.SMTP_SSL):
    def __init__(self, header, *args, **kw):
        self._header = header
        super().__init__(*args, **kw)

    def _get_socket(self, host, port, timeout):
        sock = socket.create_connection((host, port), timeout, self.source_address)
        sock.sendall(self._header)
        return self.context.wrap_socket(sock, server_hostname=host)


class ProxyProtocol(RelayTestCase):
    @classmethod
    def _setup(cls):
        cls.relay = Relay(proxy=["127.0.0.1/32"]).start()
        r = cls.relay
        r.add_account("acme")
        r.add_user("acme", "from-doc-net", PASSWORD, "--allow-ip", "203.0.113.0/24")
        r.add_user("acme", "from-loopback", PASSWORD, "--allow-ip", "127.0.0.1/32")
        r.add_user("acme", "from-two", PASSWORD, "--allow-ip", "127.0.0.2/32")

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "relay", None):
            cls.relay.cleanup()

    def login(self, client, user):
        client.ehlo("client.test")
        if not isinstance(client, smtplib.SMTP_SSL):
            client.starttls(context=insecure_tls())
            client.ehlo("client.test")
        return client.docmd("AUTH", "PLAIN " + plain(user, PASSWORD))

    def test_v1_source_is_the_client(self):
        with ProxiedSMTP(v1("203.0.113.7"), "127.0.0.1", self.relay.ports["proxy"], timeout=20) as c:
            code, _ = self.login(c, "from-doc-net")
            self.assertEqual(code, 235)
        # The source address is the predicate: another test logs in as from-doc-net too, and
        # the auth log is written in batches, so "the newest event of that user" may be its.
        e = self.relay.wait_auth_event(lambda e: e["username"] == "from-doc-net" and e["ip"] == "203.0.113.7")
        self.assertEqual(e["port"], 40000)

    def test_v2_source_not_the_proxy_decides(self):
        # The proxy (127.0.0.1) is on the user's list; the real client is not.
        with ProxiedSMTP(v2("198.51.100.9"), "127.0.0.1", self.relay.ports["proxy"], timeout=20) as c:
            code, text = self.login(c, "from-loopback")
            self.assertEqual((code, text), (535, b"5.7.1 IP not authorized"))
        e = self.relay.wait_auth_event(lambda e: e["username"] == "from-loopback")
        self.assertEqual((e["ip"], e["reason"]), ("198.51.100.9", "ip_not_allowed"))

    def test_header_before_implicit_tls(self):
        with ProxiedSMTPSSL(v2("203.0.113.8"), "127.0.0.1", self.relay.ports["proxy_implicit"],
                            context=insecure_tls(), timeout=20) as c:
            code, _ = self.login(c, "from-doc-net")
            self.assertEqual(code, 235)
        self.relay.wait_auth_event(lambda e: e["ip"] == "203.0.113.8" and e["result"] == "ok")

    def closed_without_greeting(self, sock):
        sock.settimeout(15)
        data = b""
        try:
            while True:
                chunk = sock.recv(1024)
                if not chunk:
                    break
                data += chunk
        except ConnectionResetError:
            pass
        sock.close()
        return data

    def test_missing_header_is_refused(self):
        s = socket.create_connection(("127.0.0.1", self.relay.ports["proxy"]))
        s.sendall(b"EHLO client.test\r\n")
        self.assertEqual(self.closed_without_greeting(s), b"")
        self.assertIn("proxy_header_invalid", self.wait_log("proxy_header_invalid"))

    def test_untrusted_peer_is_refused(self):
        s = socket.create_connection(("127.0.0.1", self.relay.ports["proxy"]),
                                     source_address=("127.0.0.2", 0))
        s.sendall(v1("203.0.113.7"))
        self.assertEqual(self.closed_without_greeting(s), b"")
        self.assertIn('"ip":"127.0.0.2"', self.wait_log("proxy_untrusted"))

    def test_plain_listeners_ignore_proxy_headers(self):
        # A listener without proxy_protocol treats a header as a (bad) SMTP command.
        with smtplib.SMTP("127.0.0.1", self.relay.ports["starttls"], timeout=20) as c:
            code, _ = c.docmd("PROXY TCP4 203.0.113.7 127.0.0.1 1 2")
            self.assertEqual(code, 500)

    def wait_log(self, event, timeout=5):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for line in self.relay.log_text().splitlines():
                if event in line:
                    return line
            time.sleep(0.05)
        self.fail("no %s in the server log" % event)


class BehindHaproxy(RelayTestCase):
    @classmethod
    def _setup(cls):
        cls.relay = Relay(proxy=["127.0.0.1/32"]).start()
        r = cls.relay
        r.add_account("acme")
        r.add_user("acme", "from-loopback", PASSWORD, "--allow-ip", "127.0.0.1/32")
        r.add_user("acme", "from-two", PASSWORD, "--allow-ip", "127.0.0.2/32")
        cls.haproxy = Haproxy([r.ports["proxy"]]).start()
        cls.port = cls.haproxy.port

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "haproxy", None):
            cls.haproxy.cleanup()
        if getattr(cls, "relay", None):
            cls.relay.cleanup()

    def through_haproxy(self, user):
        with smtplib.SMTP("127.0.0.1", self.port, timeout=20, source_address=("127.0.0.2", 0)) as c:
            c.ehlo("client.test")
            c.starttls(context=insecure_tls())
            c.ehlo("client.test")
            return c.docmd("AUTH", "PLAIN " + plain(user, PASSWORD))

    def test_real_client_address_reaches_the_allow_list(self):
        # HAProxy connects from 127.0.0.1, which from-loopback allows; the client is 127.0.0.2.
        self.assertEqual(self.through_haproxy("from-loopback"), (535, b"5.7.1 IP not authorized"))
        self.assertEqual(self.through_haproxy("from-two")[0], 235)
        e = self.relay.wait_auth_event(lambda e: e["username"] == "from-loopback")
        self.assertEqual((e["ip"], e["reason"]), ("127.0.0.2", "ip_not_allowed"))
        ok = self.relay.wait_auth_event(lambda e: e["username"] == "from-two")
        self.assertEqual((ok["ip"], ok["result"]), ("127.0.0.2", "ok"))


if __name__ == "__main__":
    unittest.main()
