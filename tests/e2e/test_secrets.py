"""The password never appears anywhere: not under the data directory (store, WAL, spool,
keys), not in the server's output, not in any CLI output or auth-log query — for successful,
failed, whitespace-padded and cancelled logins alike."""
import base64
import os
import subprocess
import unittest

from harness import Relay, message, raw_auth

SECRET = "Zq9-unmistakable-Pa55word"


class NoSecretLeaks(unittest.TestCase):
    def test_password_is_nowhere(self):
        r = Relay().start()
        try:
            r.add_account("acme")
            add = r.add_user("acme", "leaktest", SECRET)
            outputs = [add.stdout + add.stderr]
            s = r.smtp("starttls")
            s.login("leaktest", SECRET)
            s.sendmail("app@example.test", ["x@example.org"], message(body="no secret here\r\n"))
            s.quit()
            s = r.smtp("starttls")
            s.docmd("AUTH", "PLAIN " + base64.b64encode(("\0leaktest\0" + SECRET + "x").encode()).decode())
            s.docmd("AUTH", "PLAIN " + base64.b64encode(("\0nobody\0 " + SECRET + " ").encode()).decode())
            raw_auth(s, "LOGIN", base64.b64encode(b"leaktest").decode(), "*")
            s.close()
            r.wait_auth_event(lambda e: e["reason"] == "cancelled")
            for args in (("log", "auth", "--json"), ("log", "auth"), ("user", "show", "leaktest", "--json"),
                         ("user", "list", "--json"), ("user", "show", "leaktest"), ("queue", "list", "--json")):
                res = r.cli(*args)
                outputs.append(res.stdout + res.stderr)
        finally:
            r.stop()
        needles = [SECRET.encode(), base64.b64encode(SECRET.encode()),
                   base64.b64encode(("\0leaktest\0" + SECRET).encode())]
        for text in outputs + [r.log_text()]:
            for n in needles:
                self.assertNotIn(n.decode(), text)
        scanned = 0
        for root, _, files in os.walk(r.dir):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    data = f.read()
                scanned += 1
                for n in needles:
                    self.assertNotIn(n, data, os.path.join(root, name))
        self.assertGreater(scanned, 4)  # the store, its WAL or journal, the spool, the keys
        # Sanity check that the grep can find things: the username is in the store.
        db = subprocess.run(["sqlite3", os.path.join(r.data, "postern.db"), "select count(*) from auth_events"],
                            capture_output=True, text=True)
        self.assertGreater(int(db.stdout.strip() or 0), 3)
        r.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
