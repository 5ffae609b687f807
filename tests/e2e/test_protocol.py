"""The SMTP front door against a raw socket: greeting and capabilities, PIPELINING batches,
strict DATA (no SMTP smuggling), STARTTLS command injection, limits and refusals."""
import socket
import ssl
import time
import unittest
import base64

from harness import PASSWORD, Relay, insecure_tls


class Raw:
    """A line-oriented SMTP client that sends exactly the bytes it is given."""

    def __init__(self, port, host="127.0.0.1"):
        self.sock = socket.create_connection((host, port), timeout=10)
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def reply(self):
        lines = []
        while True:
            while b"\r\n" not in self.buf:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise EOFError(b"".join(lines) + self.buf)
                self.buf += chunk
            line, self.buf = self.buf.split(b"\r\n", 1)
            lines.append(line)
            if len(line) < 4 or line[3:4] != b"-":
                return lines

    def cmd(self, data):
        self.send(data)
        return self.reply()

    def starttls(self):
        assert self.cmd(b"STARTTLS\r\n") == [b"220 2.0.0 Ready to start TLS"]
        self.sock = insecure_tls().wrap_socket(self.sock)

    def close(self):
        self.sock.close()


class Protocol(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.relay = Relay().start()
        cls.relay.add_account("acme")
        cls.relay.add_user("acme", "proto")

    @classmethod
    def tearDownClass(cls):
        cls.relay.cleanup()

    def authed(self):
        c = Raw(self.relay.ports["starttls"])
        c.reply()
        c.cmd(b"EHLO client.test\r\n")
        c.starttls()
        c.cmd(b"EHLO client.test\r\n")
        auth = base64.b64encode(("\0proto\0" + PASSWORD).encode())
        self.assertEqual(c.cmd(b"AUTH PLAIN " + auth + b"\r\n"), [b"235 2.7.0 Authentication successful"])
        return c

    def test_greeting_and_capabilities(self):
        c = Raw(self.relay.ports["starttls"])
        self.assertEqual(c.reply(), [b"220 relay.test ESMTP Postern"])
        caps = c.cmd(b"EHLO client.test\r\n")
        names = [l[4:] for l in caps[1:]]
        self.assertEqual(sorted(names), sorted([b"PIPELINING", b"SIZE 1048576", b"8BITMIME",
                                                b"ENHANCEDSTATUSCODES", b"SMTPUTF8", b"STARTTLS"]))
        c.starttls()
        caps = c.cmd(b"EHLO client.test\r\n")
        names = [l[4:] for l in caps[1:]]
        self.assertIn(b"AUTH PLAIN LOGIN", names)
        self.assertNotIn(b"STARTTLS", names)
        c.close()

    def test_pipelined_transaction_gets_replies_in_order(self):
        c = self.authed()
        c.send(b"MAIL FROM:<app@example.test>\r\nRCPT TO:<a@example.org>\r\nRCPT TO:<bad address>\r\n"
               b"RCPT TO:<b@example.org>\r\nDATA\r\n")
        self.assertEqual(c.reply(), [b"250 2.1.0 OK"])
        self.assertEqual(c.reply(), [b"250 2.1.5 OK"])
        self.assertEqual(c.reply(), [b"501 5.1.3 Bad address syntax"])
        self.assertEqual(c.reply(), [b"250 2.1.5 OK"])
        self.assertEqual(c.reply()[0][:4], b"354 ")
        done = c.cmd(b"Subject: p\r\n\r\nbody\r\n.\r\n")
        self.assertRegex(done[0], rb"^250 2\.0\.0 OK Message queued as \w+$")
        c.send(b"RSET\r\nNOOP\r\nQUIT\r\n")
        self.assertEqual(c.reply(), [b"250 2.0.0 OK"])
        self.assertEqual(c.reply(), [b"250 2.0.0 OK"])
        self.assertEqual(c.reply()[0][:4], b"221 ")
        c.close()

    def test_smuggling_variants_are_refused_and_nothing_is_queued(self):
        before = len(self.relay.queued())
        for variant in (b"\n.\n", b"\r\n.\n", b"\n.\r\n", b"\r.\r", b"\r\n.\r"):
            with self.subTest(variant=variant):
                c = self.authed()
                c.cmd(b"MAIL FROM:<app@example.test>\r\n")
                c.cmd(b"RCPT TO:<a@example.org>\r\n")
                self.assertEqual(c.cmd(b"DATA\r\n")[0][:4], b"354 ")
                smuggled = (b"Subject: s\r\n\r\nhello" + variant +
                            b"MAIL FROM:<evil@example.test>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\n"
                            b"Subject: smuggled\r\n\r\nevil\r\n.\r\n")
                self.assertEqual(c.cmd(smuggled), [b"550 5.6.2 Bare LF/CR not allowed"])
                # The session is still in sync: the next command is a command.
                self.assertEqual(c.cmd(b"NOOP\r\n"), [b"250 2.0.0 OK"])
                c.close()
        self.assertEqual(len(self.relay.queued()), before)

    def test_starttls_command_injection_is_discarded(self):
        c = Raw(self.relay.ports["starttls"])
        c.reply()
        c.cmd(b"EHLO client.test\r\n")
        c.send(b"STARTTLS\r\nNOOP\r\n")  # NOOP pipelined in plaintext must never be answered
        self.assertEqual(c.reply(), [b"220 2.0.0 Ready to start TLS"])
        c.sock = insecure_tls().wrap_socket(c.sock)
        self.assertEqual(c.cmd(b"EHLO again.test\r\n")[0], b"250-relay.test")
        c.close()

    def test_limits_and_refusals(self):
        c = self.authed()
        self.assertEqual(c.cmd(b"MAIL FROM:<app@example.test> SIZE=99999999\r\n"),
                         [b"552 5.3.4 Message size exceeds fixed maximum message size"])
        self.assertEqual(c.cmd(b"MAIL FROM:<not an address>\r\n"), [b"501 5.1.3 Bad address syntax"])
        self.assertEqual(c.cmd(b"RCPT TO:<a@example.org>\r\n"), [b"503 5.5.1 Bad sequence of commands"])
        self.assertEqual(c.cmd(b"MAIL FROM:<app@example.test>\r\n"), [b"250 2.1.0 OK"])
        for i in range(5):
            self.assertEqual(c.cmd(b"RCPT TO:<r%d@example.org>\r\n" % i), [b"250 2.1.5 OK"])
        self.assertEqual(c.cmd(b"RCPT TO:<r6@example.org>\r\n"), [b"452 4.5.3 Too many recipients"])
        self.assertEqual(c.cmd(b"RSET\r\n"), [b"250 2.0.0 OK"])
        self.assertEqual(c.cmd(b"VRFY bob\r\n"), [b"252 2.5.0 Cannot VRFY user"])
        self.assertEqual(c.cmd(b"EXPN staff\r\n"), [b"502 5.5.1 Command not implemented"])
        self.assertEqual(c.cmd(b"FROB\r\n"), [b"500 5.5.1 Command unrecognized"])
        self.assertEqual(c.cmd(b"NOOP " + b"x" * 1200 + b"\r\n"), [b"500 5.5.2 Line too long"])
        self.assertEqual(c.cmd(b"NOOP\r\n"), [b"250 2.0.0 OK"])
        c.cmd(b"MAIL FROM:<app@example.test>\r\n")
        c.cmd(b"RCPT TO:<a@example.org>\r\n")
        c.cmd(b"DATA\r\n")
        big = b"Subject: big\r\n\r\n" + (b"y" * 998 + b"\r\n") * 1100
        self.assertEqual(c.cmd(big + b".\r\n"), [b"552 5.3.4 Message size exceeds fixed maximum message size"])
        self.assertEqual(c.cmd(b"QUIT\r\n")[0][:4], b"221 ")
        c.close()

    def test_connection_survives_garbage_and_server_keeps_serving(self):
        c = Raw(self.relay.ports["starttls"])
        c.reply()
        c.send(bytes(range(256)) * 4 + b"\r\n")
        c.close()
        c = Raw(self.relay.ports["starttls"])
        c.send(b"STARTTLS\r\n")
        c.reply()
        c.send(b"\x16\x03\x01garbage that is not a TLS record" * 10)
        c.close()
        d = self.authed()
        self.assertEqual(d.cmd(b"NOOP\r\n"), [b"250 2.0.0 OK"])
        d.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
