"""TLS 1.2/1.3 only, RFC 5321 timeouts (421 4.4.2), the per-IP connection limit (421 4.7.0),
and a legitimate client still served while another address is at its limit."""
import socket
import ssl
import subprocess
import time
import unittest

from harness import PASSWORD, Relay, insecure_tls, recv_line


class TlsAndLimits(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.relay = Relay(limits='max_connections_per_ip = 3\ncommand_timeout = "2s"\n').start()
        cls.relay.add_account("acme")
        cls.relay.add_user("acme", "limited")

    @classmethod
    def tearDownClass(cls):
        cls.relay.cleanup()

    def handshake(self, version):
        ctx = insecure_tls()
        ctx.minimum_version = version
        ctx.maximum_version = version
        with socket.create_connection(("127.0.0.1", self.relay.ports["implicit"]), timeout=10) as raw:
            with ctx.wrap_socket(raw) as tls:
                return tls.version(), recv_line(tls)

    def test_tls12_and_tls13_are_served(self):
        self.assertEqual(self.handshake(ssl.TLSVersion.TLSv1_3), ("TLSv1.3", b"220 relay.test ESMTP Postern\r\n"))
        self.assertEqual(self.handshake(ssl.TLSVersion.TLSv1_2), ("TLSv1.2", b"220 relay.test ESMTP Postern\r\n"))

    def s_client(self, *args):
        # -ign_eof: s_client keeps the connection after its empty stdin ends, so it reads the
        # greeting however late it comes (on a loaded machine the TLS handshake and greeting can
        # take longer than s_client's stdin takes to hit EOF); the server closes it after
        # command_timeout (2 s here).
        port = str(self.relay.ports["implicit"])
        return subprocess.run(["openssl", "s_client", "-ign_eof", "-connect", "127.0.0.1:" + port, *args],
                              input="", capture_output=True, text=True, timeout=30)

    def test_old_protocols_and_weak_ciphers_are_refused(self):
        for args in (["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"], ["-tls1", "-cipher", "DEFAULT@SECLEVEL=0"],
                     ["-tls1_2", "-cipher", "AES128-SHA"], ["-tls1_2", "-cipher", "DES-CBC3-SHA@SECLEVEL=0"]):
            with self.subTest(args=args):
                r = self.s_client(*args)
                self.assertNotEqual(r.returncode, 0, r.stdout[-500:] + r.stderr[-500:])
                self.assertNotIn("ESMTP Postern", r.stdout)
        # Control: the same tool with a modern suite gets the greeting.
        r = self.s_client("-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256")
        self.assertIn("ESMTP Postern", r.stdout, r.stdout[-800:] + r.stderr[-800:])

    def test_idle_client_gets_421_after_command_timeout(self):
        s = socket.create_connection(("127.0.0.1", self.relay.ports["starttls"]))
        self.assertEqual(recv_line(s), b"220 relay.test ESMTP Postern\r\n")
        start = time.time()
        self.assertEqual(recv_line(s, timeout=15), b"421 4.4.2 relay.test closing connection\r\n")
        self.assertGreaterEqual(time.time() - start, 1.5)
        self.assertEqual(s.recv(100), b"")  # closed
        s.close()

    def test_connection_limit_per_ip(self):
        port = self.relay.ports["starttls"]
        held = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
        for h in held:
            self.assertTrue(recv_line(h).startswith(b"220 "))
        extra = socket.create_connection(("127.0.0.1", port))
        self.assertTrue(recv_line(extra).startswith(b"421 4.7.0 relay.test Too many connections"))
        extra.close()
        if self.relay.ipv6:
            # Another address is served while 127.0.0.1 is at its limit.
            s = self.relay.smtp("starttls", host="::1")
            s.login("limited", PASSWORD)
            s.quit()
        for h in held:
            h.close()
        # The server frees a slot when it reads the EOF; give a loaded machine time to do so.
        deadline = time.time() + 10
        while True:
            probe = socket.create_connection(("127.0.0.1", port))
            greeting = recv_line(probe)
            probe.close()
            if greeting.startswith(b"220 ") or time.time() > deadline:
                break
            time.sleep(0.1)
        self.assertTrue(greeting.startswith(b"220 "), greeting)
        s = self.relay.smtp("starttls")
        s.login("limited", PASSWORD)
        s.quit()


if __name__ == "__main__":
    unittest.main(verbosity=2)
