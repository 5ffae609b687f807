"""Webhooks (F15) end to end: a local HTTP receiver gets the message and auth events of an
account, each signed with the secret the API returned once (X-Postern-Signature =
sha256=HMAC(secret, "<X-Postern-Timestamp>.<raw body>")); a 500 is retried with the same
delivery id until it succeeds, and an endpoint that always fails ends as a dead letter."""
import hashlib
import hmac
import json
import os
import shutil
import tempfile
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import PASSWORD, Relay, RelayTestCase, message, plain
from peers import Sink, free_port

# Short back-off so that retries and the dead letter happen within the test: 3 attempts.
WEBHOOK_CONFIG = '[webhooks]\nretry_schedule = ["1s", "1s"]\ntimeout = "5s"\n'


class Receiver:
    """An HTTP endpoint on a free loopback port (bound to port 0: no race) that records each
    POST and answers the next programmed status code (the last one repeats)."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.posts = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with outer.lock:
                    code = outer.statuses.pop(0) if len(outer.statuses) > 1 else outer.statuses[0]
                    outer.posts.append({"path": self.path, "code": code, "body": raw,
                                        "headers": {k.lower(): v for k, v in self.headers.items()}})
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/hook" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def snapshot(self):
        with self.lock:
            return list(self.posts)

    def wait(self, predicate, what, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for p in self.snapshot():
                if predicate(p):
                    return p
            time.sleep(0.1)
        raise AssertionError("no POST with %s; got %s" % (what, [
            (p["headers"].get("x-postern-event"), p["code"]) for p in self.snapshot()]))

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def start_sink(directory):
    """An aiosmtpd sink on a free port, retried when another test takes the port first."""
    for _ in range(10):
        port = free_port()
        try:
            return Sink("127.0.0.1", port, directory)
        except RuntimeError:
            continue
    raise RuntimeError("no sink could start")


class Webhooks(RelayTestCase):
    @classmethod
    def _setup(cls):
        cls.receiver = Receiver([500, 200])  # the first POST fails, every later one succeeds
        cls.failing = Receiver([500])
        cls.sink_dir = tempfile.mkdtemp(prefix="postern-webhook-sink-")
        cls.sink = start_sink(cls.sink_dir)
        route = ('[[delivery.route]]\ndomain = "*"\nto = "127.0.0.1:%d"\ntls = "none"\n'
                 % cls.sink.port)
        cls.relay = Relay(extra_config=route + WEBHOOK_CONFIG, ipv6=False, hold_mail=False).start()
        cls.relay.add_account("acme")
        cls.relay.add_user("acme", "sender")
        # Hooks first: the dispatcher re-reads the hook list at most once a second.
        status, cls.hook = cls.relay.api("POST", "/api/v1/webhooks", {
            "url": cls.receiver.url, "events": ["accepted", "delivered", "auth_failed"],
            "account": "acme"})
        assert status == 201, (status, cls.hook)
        status, cls.dead_hook = cls.relay.api("POST", "/api/v1/webhooks", {
            "url": cls.failing.url, "events": ["accepted"]})  # an admin hook: every account
        assert status == 201, (status, cls.dead_hook)

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "relay", None):
            cls.relay.cleanup()
        for name in ("receiver", "failing", "sink"):
            if getattr(cls, name, None):
                getattr(cls, name).stop()
        if getattr(cls, "sink_dir", None):
            shutil.rmtree(cls.sink_dir, ignore_errors=True)

    def verify(self, post, secret):
        """The signature covers "<timestamp>.<raw body>" with the hook's secret."""
        h = post["headers"]
        self.assertEqual(h.get("content-type"), "application/json")
        ts = h["x-postern-timestamp"]
        self.assertLess(abs(int(ts) - time.time()), 300)
        expected = hmac.new(secret.encode(), ts.encode() + b"." + post["body"], hashlib.sha256).hexdigest()
        self.assertEqual(h["x-postern-signature"], "sha256=" + expected)
        forged = hmac.new(b"not the secret", ts.encode() + b"." + post["body"], hashlib.sha256).hexdigest()
        self.assertNotEqual(h["x-postern-signature"], "sha256=" + forged)
        body = json.loads(post["body"])
        self.assertEqual(body["type"], h["x-postern-event"])
        self.assertEqual(set(body), {"type", "time", "account", "data"})
        return body

    def test_1_message_events_are_signed_and_a_failure_is_retried(self):
        s = self.relay.smtp("starttls")
        s.login("sender", PASSWORD)
        s.sendmail("app@example.test", ["bob@example.org"], message(subject="hooked"))
        s.quit()
        secret = self.hook["secret"]
        self.assertTrue(secret)

        accepted = self.receiver.wait(lambda p: p["headers"].get("x-postern-event") == "accepted"
                                      and p["code"] == 200, "accepted answered 200")
        body = self.verify(accepted, secret)
        self.assertEqual(body["account"], "acme")
        self.assertEqual(body["data"]["status"], "accepted")
        self.assertEqual(body["data"]["rcpt"], "bob@example.org")
        self.assertEqual(body["data"]["user"], "sender")
        delivered = self.receiver.wait(lambda p: p["headers"].get("x-postern-event") == "delivered"
                                       and p["code"] == 200, "delivered answered 200")
        body = self.verify(delivered, secret)
        self.assertEqual(body["data"]["status"], "delivered")
        self.assertEqual(body["data"]["id"], json.loads(accepted["body"])["data"]["id"])

        # The first POST got the 500; the same delivery was sent again and got the 200.
        posts = self.receiver.snapshot()
        first = posts[0]
        self.assertEqual(first["code"], 500)
        self.verify(first, secret)
        delivery_id = first["headers"]["x-postern-delivery"]
        again = [p for p in posts[1:] if p["headers"]["x-postern-delivery"] == delivery_id]
        self.assertEqual([p["code"] for p in again], [200])
        self.assertEqual(again[0]["body"], first["body"])  # the same bytes, signed anew

        deadline = time.time() + 10
        while True:
            status, rows = self.relay.api("GET", "/api/v1/webhooks/%d/deliveries" % self.hook["id"])
            self.assertEqual(status, 200, rows)
            row = [r for r in rows if str(r["id"]) == delivery_id]
            if (row and row[0]["status"] == "delivered") or time.time() > deadline:
                break
            time.sleep(0.1)
        self.assertEqual(len(row), 1, rows)
        self.assertEqual(row[0]["status"], "delivered")
        self.assertEqual(row[0]["attempts"], 2)
        self.assertEqual(row[0]["webhook_id"], self.hook["id"])
        # The secret was shown once: never again in the API nor in the server's log.
        status, hooks = self.relay.api("GET", "/api/v1/webhooks")
        self.assertNotIn(secret, json.dumps(hooks))
        self.assertNotIn(secret, self.relay.log_text())
        self.assertIn("webhook_delivered", self.relay.log_text())

    def test_2_failed_auth_makes_an_auth_failed_event(self):
        s = self.relay.smtp("starttls")
        # One AUTH exactly (smtplib's login() would try the next mechanism after a 535).
        code, _ = s.docmd("AUTH", "PLAIN " + plain("sender", "wrong " + PASSWORD))
        self.assertEqual(code, 535)
        s.close()
        post = self.receiver.wait(lambda p: p["headers"].get("x-postern-event") == "auth_failed"
                                  and p["code"] == 200, "auth_failed")
        body = self.verify(post, self.hook["secret"])
        self.assertEqual(body["account"], "acme")
        self.assertEqual(body["data"]["result"], "fail")
        self.assertEqual(body["data"]["reason"], "bad_password")
        self.assertEqual(body["data"]["username"], "sender")
        self.assertNotIn(b"wrong", post["body"])  # never the password

    def test_3_an_endpoint_that_always_fails_ends_dead(self):
        # The admin hook got the accepted event of test_1 (its account is every account).
        hook_id = self.dead_hook["id"]
        deadline = time.time() + 30
        rows = []
        while time.time() < deadline:
            status, rows = self.relay.api("GET", "/api/v1/webhooks/%d/deliveries?status=dead" % hook_id)
            self.assertEqual(status, 200, rows)
            if rows:
                break
            time.sleep(0.2)
        self.assertTrue(rows, "no dead letter")
        dead = rows[0]
        self.assertEqual(dead["attempts"], 3)  # the first try and one per schedule step
        self.assertEqual(dead["last_error"], "HTTP 500")
        self.assertEqual(dead["event"], "accepted")
        tries = [p for p in self.failing.snapshot()
                 if p["headers"]["x-postern-delivery"] == str(dead["id"])]
        self.assertEqual([p["code"] for p in tries], [500, 500, 500])
        for p in tries:
            self.verify(p, self.dead_hook["secret"])
        status, hooks = self.relay.api("GET", "/api/v1/webhooks")
        listed = [h for h in hooks if h["id"] == hook_id][0]
        self.assertGreaterEqual(listed["dead"], 1)
        self.assertIn("webhook_dead", self.relay.log_text())


if __name__ == "__main__":
    unittest.main(verbosity=2)
