"""SIGKILL in the middle of submissions loses no acknowledged message: every queue id a
client received in a 250 is still in the queue after the restart, with its complete body."""
import os
import random
import re
import threading
import time
import unittest

from harness import PASSWORD, Relay, message


class CrashDurability(unittest.TestCase):
    def test_sigkill_during_submissions(self):
        r = Relay(ipv6=False).start()
        r.add_account("acme")
        r.add_user("acme", "loader")
        acked = {}
        lock = threading.Lock()

        def client(n, stop):
            while not stop.is_set():
                try:
                    s = r.smtp("starttls", timeout=10)
                    s.login("loader", PASSWORD)
                    while not stop.is_set():
                        marker = "marker-%d-%s" % (n, os.urandom(6).hex())
                        s.mail("app@example.test")
                        s.rcpt("c%d@example.org" % n)
                        code, resp = s.data(message(subject=marker, body=marker + "\r\n" + ("x" * 70 + "\r\n") * 40))
                        if code == 250:
                            qid = re.search(rb"queued as (\w+)", resp).group(1).decode()
                            with lock:
                                acked[qid] = marker
                except Exception:
                    time.sleep(0.05)  # the server is gone; try again until told to stop

        try:
            for round_ in range(3):
                stop = threading.Event()
                threads = [threading.Thread(target=client, args=(i, stop)) for i in range(4)]
                with lock:
                    before = len(acked)
                for t in threads:
                    t.start()
                # Kill once this round is under way (the first logins after a start pay
                # Argon2id, which takes seconds on a loaded machine or under a sanitizer), at
                # a random moment of the transactions that follow.
                deadline = time.time() + 60
                while time.time() < deadline:
                    with lock:
                        if len(acked) >= before + 8:
                            break
                    time.sleep(0.02)
                time.sleep(random.uniform(0, 0.3))
                r.kill()  # SIGKILL while clients are mid-transaction
                stop.set()
                for t in threads:
                    t.join(30)
                r.start()
                queued = {m["id"] for m in r.queued()}
                with lock:
                    missing = set(acked) - queued
                    count = len(acked)
                self.assertEqual(missing, set(), "acknowledged but lost after round %d" % round_)
            print("acknowledged %d messages across 3 SIGKILLs, none lost" % count)
            self.assertGreater(count, 20, "the load generated too few messages to prove anything")
            spool = os.path.join(r.data, "spool", "queue")
            for qid, marker in acked.items():
                with open(os.path.join(spool, qid), "rb") as f:
                    data = f.read()
                self.assertIn(marker.encode(), data)
                self.assertTrue(data.endswith((b"x" * 70 + b"\r\n") * 40), qid)
            self.assertEqual(os.listdir(os.path.join(r.data, "spool", "tmp")), [])
        finally:
            r.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
