"""TLS audit (issue 7, item 7): testssl (Debian's testssl.sh) against the STARTTLS and the
implicit-TLS listener finds no protocol below TLS 1.2, no weak cipher, and forward secrecy.

Offline: the target is given as an IP (--ip, --nodns none: no DNS), and testssl only contacts
OCSP responders or CRL servers with --phone-out, which is not given. The two scans run at the
same time. The checks are -p (protocols), -s (cipher categories: NULL, anonymous, EXPORT, LOW
(DES, RC2, RC4), 3DES/IDEA, obsolete CBC, strong AEAD) and -f (forward secrecy, the suites and
curves offered); the assertions read testssl's JSON output. docs/security.md records a run.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

from harness import Relay

SCAN_TIMEOUT = 420  # seconds per scan; about 2 min on a busy 2-core machine

NOT_OFFERED = ("SSLv2", "SSLv3", "TLS1", "TLS1_1",
               "cipherlist_NULL", "cipherlist_aNULL", "cipherlist_EXPORT", "cipherlist_LOW",
               "cipherlist_3DES_IDEA", "cipherlist_AVERAGE")
OFFERED = ("TLS1_2", "TLS1_3", "cipherlist_STRONG", "PFS")


def report(text):
    print("[tls_audit] " + text, file=sys.stderr, flush=True)


class TlsAudit(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.testssl = shutil.which("testssl") or shutil.which("testssl.sh")
        cls.relay = Relay(ipv6=False).start()
        cls.out = tempfile.mkdtemp(prefix="postern-testssl-")

    @classmethod
    def tearDownClass(cls):
        cls.relay.cleanup()
        shutil.rmtree(cls.out, ignore_errors=True)

    def command(self, name, port, starttls):
        return ([self.testssl, "--quiet", "--color", "0", "--warnings", "off", "--nodns", "none",
                 "--ip", "127.0.0.1", "--fast", "-p", "-s", "-f", "--jsonfile", os.path.join(self.out, name + ".json")]
                + (["--starttls", "smtp"] if starttls else []) + ["127.0.0.1:%d" % port])

    def test_no_old_protocol_no_weak_cipher(self):
        self.assertIsNotNone(self.testssl, "testssl not found: install the testssl.sh package "
                                           "(scripts/install-deps.sh test)")
        scans = {"starttls": (self.relay.ports["starttls"], True),
                 "implicit": (self.relay.ports["implicit"], False)}
        results = {}

        def scan(name, port, starttls):
            t0 = time.monotonic()
            r = subprocess.run(self.command(name, port, starttls), capture_output=True, text=True,
                               timeout=SCAN_TIMEOUT)
            results[name] = (r, time.monotonic() - t0)

        threads = [threading.Thread(target=scan, args=(name, *args)) for name, args in scans.items()]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        findings = {}
        for name in scans:
            r, took = results[name]
            report("%s scan: exit %d after %.0f s: %s" % (
                name, r.returncode, took, " ".join(self.command(name, *scans[name])[1:])))
            self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr[-3000:])
            with open(os.path.join(self.out, name + ".json")) as f:
                findings[name] = {e["id"]: e for e in json.load(f)}

        # The findings table docs/security.md shows.
        ids = list(NOT_OFFERED) + list(OFFERED) + ["PFS_ciphers", "PFS_ECDHE_curves"]
        report("| check | STARTTLS (587) | implicit TLS (465) |")
        report("|---|---|---|")
        for i in ids:
            report("| `%s` | %s |" % (i, " | ".join(
                findings[n].get(i, {}).get("finding", "(missing)") for n in scans)))

        for name, by_id in findings.items():
            with self.subTest(listener=name):
                if name == "starttls":
                    self.assertEqual(by_id["service"]["finding"], "smtp")
                for i in NOT_OFFERED:
                    self.assertTrue(by_id[i]["finding"].startswith("not offered"), (i, by_id[i]))
                for i in OFFERED:
                    self.assertTrue(by_id[i]["finding"].startswith("offered"), (i, by_id[i]))
                # Every suite offered has forward secrecy: ECDHE in TLS 1.2, and TLS 1.3's own.
                suites = by_id["PFS_ciphers"]["finding"].split()
                self.assertTrue(suites)
                for s in suites:
                    self.assertTrue(s.startswith("TLS_") or s.startswith("ECDHE-"), s)
                    self.assertTrue("GCM" in s or "CHACHA20" in s, s)  # AEAD only
                # Nothing testssl rates above LOW, and no scan problem.
                bad = [e for e in by_id.values()
                       if e.get("severity") in ("MEDIUM", "HIGH", "CRITICAL", "FATAL")
                       or e["id"] == "scanProblem"]
                self.assertEqual(bad, [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
