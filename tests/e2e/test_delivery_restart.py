"""A SIGKILL in the middle of delivery loses nothing: every message acknowledged with a 250
reaches the sink after the restart. Duplicates can only come from the window between the
remote 250 and the local commit; the test counts and prints them."""
import os
import re
import threading
import time
import unittest
from collections import Counter

from harness import PASSWORD, Relay, message
from peers import Sink, free_port


class DeliveryRestart(unittest.TestCase):
    def test_kill_during_delivery(self):
        sink_port = free_port()
        extra = ('[[delivery.route]]\ndomain = "*"\nto = "127.0.0.1:%d"\ntls = "none"\n'
                 '[delivery]\nretry_schedule = ["1s"]\nidle_timeout = "1s"\n' % sink_port)
        r = Relay(extra_config=extra, ipv6=False, hold_mail=False).start()
        sink = Sink("127.0.0.1", sink_port, os.path.join(r.dir, "sink"), delay=0.2)
        try:
            r.add_account("acme")
            r.add_user("acme", "loader")
            acked = {}
            lock = threading.Lock()

            def client(n, count):
                s = r.smtp("starttls")
                s.login("loader", PASSWORD)
                for i in range(count):
                    marker = "m-%d-%d-%s" % (n, i, os.urandom(4).hex())
                    s.mail("app@example.test")
                    s.rcpt("dest%d@example.org" % n)
                    code, resp = s.data(message(subject=marker, body=marker + "\r\n"))
                    if code == 250:
                        with lock:
                            acked[marker] = re.search(rb"queued as (\w+)", resp).group(1).decode()
                s.quit()

            threads = [threading.Thread(target=client, args=(n, 50)) for n in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(120)
            self.assertEqual(len(acked), 200)
            # Kill while the (slow) sink is still receiving.
            deadline = time.time() + 30
            while len(sink.messages()) < 20 and time.time() < deadline:
                time.sleep(0.05)
            delivered_before_kill = len(sink.messages())
            r.kill()
            self.assertLess(delivered_before_kill, 200, "delivery finished before the kill")
            r.start()
            deadline = time.time() + 90
            while time.time() < deadline:
                received = [re.search(rb"Subject: (m-[\w-]+)", data).group(1).decode()
                            for _, data in sink.messages()]
                if set(acked) <= set(received):
                    break
                time.sleep(0.2)
            counts = Counter(received)
            missing = set(acked) - set(counts)
            duplicates = sum(c - 1 for c in counts.values() if c > 1)
            print("killed after %d deliveries; 200 acknowledged, %d lost, %d duplicate(s)"
                  % (delivered_before_kill, len(missing), duplicates))
            self.assertEqual(missing, set(), "acknowledged messages lost across the restart")
            self.assertLessEqual(duplicates, 20)  # only the in-flight window may repeat
        finally:
            sink.stop()
            r.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
