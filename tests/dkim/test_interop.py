#!/usr/bin/python3
"""DKIM interop: messages signed by Postern (postern-dkim-sign-test, the real KeyStore, store
and Signer) must verify with two independent implementations, dkimpy (Debian python3-dkim)
and mailauth (npm, in tests/dkim/node), for both rsa-sha256 and ed25519-sha256; a tampered
body or header must fail in both. DNS is a function returning the published TXT records.
Environment: POSTERN_DKIM_TOOL = path of postern-dkim-sign-test."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import dkim

HERE = os.path.dirname(os.path.abspath(__file__))
NODE_DIR = os.path.join(HERE, "node")
TOOL = os.environ.get("POSTERN_DKIM_TOOL", "")

MESSAGES = {
    "simple": b"From: Ann <ann@example.com>\r\nTo: bob@example.net\r\nSubject: hi\r\n"
              b"Date: Fri, 27 Nov 2026 19:02:11 +0000\r\nMessage-ID: <1@example.com>\r\n"
              b"\r\nHello Bob.\r\n",
    "tricky": "Received: from client by relay.test\r\n"
              "From: \"Smith, Ann (Sales)\" <ann@Example.COM> (comment)\r\n"
              "To: bob@example.net,\r\n\tcarol@example.net\r\n"
              "Cc: dave@example.org\r\n"
              "Subject:   Grüße   with\r\n  a fold  \r\n"
              "Reply-To: support@example.com\r\n"
              "MIME-Version: 1.0\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Content-Transfer-Encoding: 8bit\r\n"
              "References: <a@x> <b@x>\r\nIn-Reply-To: <b@x>\r\n"
              "List-Unsubscribe: <mailto:unsub@example.com>\r\n"
              "X-Not-Signed: whatever\r\n"
              "\r\n"
              "Hallo  Bob,\t \r\n\r\n  umlauts: äöü  \r\n\r\n\r\n".encode("utf-8"),
    "empty-body": b"From: ann@example.com\r\nSubject: nothing\r\n\r\n",
    "large": b"From: ann@example.com\r\nSubject: big\r\n\r\n" +
             b"".join(b"line %d of a large message  \t\r\n" % i for i in range(20000)),
}


def run_tool(*args, stdin=None):
    return subprocess.run([TOOL, *args], input=stdin, capture_output=True, check=True).stdout


def ensure_mailauth():
    if not os.path.isdir(os.path.join(NODE_DIR, "node_modules", "mailauth")):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=NODE_DIR,
                       check=True)


class DkimInterop(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not TOOL:
            raise RuntimeError("POSTERN_DKIM_TOOL is not set")
        ensure_mailauth()
        cls.tmp = tempfile.TemporaryDirectory()
        cls.data = cls.tmp.name
        out = json.loads(run_tool("setup", cls.data, "acme", "example.com"))
        cls.records = {r["name"]: r["value"] for r in out["records"]}
        cls.records_file = os.path.join(cls.data, "records.json")
        with open(cls.records_file, "w") as f:
            json.dump(cls.records, f)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def dnsfunc(self, name, timeout=5):
        if isinstance(name, bytes):
            name = name.decode()
        return self.records.get(name.rstrip(".").lower(), "").encode() or None

    def sign(self, message):
        signed = run_tool("sign", self.data, "acme", stdin=message)
        self.assertTrue(signed.startswith(b"DKIM-Signature:"), signed[:200])
        return signed

    def dkimpy(self, signed):
        d = dkim.DKIM(signed)
        results = []
        for idx in range(2):
            try:
                results.append(bool(d.verify(idx=idx, dnsfunc=self.dnsfunc)))
            except dkim.DKIMException:
                results.append(False)
        return results

    def mailauth(self, signed):
        path = os.path.join(self.data, "message.eml")
        with open(path, "wb") as f:
            f.write(signed)
        out = subprocess.run(["node", os.path.join(NODE_DIR, "verify.js"), path,
                              self.records_file], capture_output=True, check=True,
                             cwd=NODE_DIR).stdout
        return json.loads(out)

    def test_both_algorithms_verify_in_dkimpy_and_mailauth(self):
        for name, message in MESSAGES.items():
            with self.subTest(message=name):
                signed = self.sign(message)
                self.assertIn(b"a=rsa-sha256", signed)
                self.assertIn(b"a=ed25519-sha256", signed)
                self.assertEqual(self.dkimpy(signed), [True, True])
                results = self.mailauth(signed)
                self.assertEqual(sorted(r["algo"] for r in results),
                                 ["ed25519-sha256", "rsa-sha256"])
                for r in results:
                    self.assertEqual(r["result"], "pass", r)

    def test_tampered_body_fails_in_both(self):
        signed = self.sign(MESSAGES["tricky"])
        tampered = signed.replace("umlauts".encode(), b"Umlauts")
        self.assertEqual(self.dkimpy(tampered), [False, False])
        for r in self.mailauth(tampered):
            self.assertNotEqual(r["result"], "pass", r)

    def test_tampered_header_fails_in_both(self):
        signed = self.sign(MESSAGES["simple"])
        tampered = signed.replace(b"Subject: hi", b"Subject: HI")
        self.assertEqual(self.dkimpy(tampered), [False, False])
        for r in self.mailauth(tampered):
            self.assertEqual(r["result"], "fail", r)

    def test_foreign_domain_is_not_signed(self):
        out = run_tool("sign", self.data, "acme", stdin=b"From: a@other.example\r\n\r\nx\r\n")
        self.assertFalse(out.startswith(b"DKIM-Signature:"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
