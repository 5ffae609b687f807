"""The HTTP API (docs/api.md) through the real server: every operation of
docs/api/openapi.yaml is called at least once with an admin key and once with an account key
(which gets its own account's objects, and 403 for the other account's and for admin-only
routes), plus 401 without or with a bad key, 404 for unknown objects and routes, 422 for bad
values, the dashboard's session cookie with its CSRF token, and the one-time secrets. A user
created through the API logs in over SMTP with the password the API generated, and the mail it
sends shows up in the queue, the message log and the hourly stats of the API."""
import json
import os
import re
import time
import unittest
import urllib.error
import urllib.request

from harness import Relay, RelayTestCase, message
from peers import Dns

HERE = os.path.dirname(os.path.abspath(__file__))
OPENAPI = os.path.join(HERE, "..", "..", "docs", "api", "openapi.yaml")
SPF = "v=spf1 include:_spf.relay.test ~all"


def documented_operations():
    """(METHOD, pattern) of every operation in openapi.yaml (paths at two spaces, operations at
    four, as the C++ coverage test reads them too)."""
    ops, path, in_paths = set(), None, False
    with open(OPENAPI) as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith((" ", "#")):
                in_paths = line.startswith("paths:")
                continue
            m = re.fullmatch(r"  (/[^:\s]*):\s*", line)
            if in_paths and m:
                path = m.group(1)
                continue
            m = re.fullmatch(r"    (get|put|post|delete|patch):\s*", line)
            if in_paths and m:
                ops.add((m.group(1).upper(), path))
    return ops


def pattern_regex(pattern):
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(pattern)) + "/?$")


class Response:
    def __init__(self, status, headers, raw):
        self.status, self.headers, self.raw = status, headers, raw
        ctype = headers.get("Content-Type", "")
        self.json = json.loads(raw) if raw and "json" in ctype else None
        self.text = raw.decode("utf-8", "replace")


class Api(RelayTestCase):

    @classmethod
    def _setup(cls):
        cls.dns = Dns(["--txt-record=mail.acme.example,%s" % SPF])
        cls.relay = Relay(ipv6=False, extra_config='[delivery]\nresolver = "127.0.0.1:%d"\n'
                          'dns_timeout = "3s"\n' % cls.dns.port).start()
        cls.ops = sorted(documented_operations())
        cls.patterns = [(m, p, pattern_regex(p)) for m, p in cls.ops]
        cls.calls = []  # (who, METHOD, pattern, status)
        cls.keys = {"admin": cls.relay.admin_key, "none": "", "bad": "pk_" + "A" * 43}
        for name in ("acme", "globex"):
            r = cls.request("admin", "POST", "/api/v1/accounts", {"name": name})
            assert r.status == 201, r.text
            r = cls.request("admin", "POST", "/api/v1/apikeys", {"name": name + "-ops", "account": name})
            assert r.status == 201, r.text
            cls.keys[name] = r.json["key"]

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "relay", None):
            cls.relay.cleanup()
        if getattr(cls, "dns", None):
            cls.dns.stop()

    # --- requests ---------------------------------------------------------------------
    @classmethod
    def request(cls, who, method, path, body=None, headers=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(cls.relay.http_url + path, data=data, method=method)
        key = cls.keys.get(who, "")
        if key:
            req.add_header("Authorization", "Bearer " + key)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                resp = Response(r.status, r.headers, r.read())
        except urllib.error.HTTPError as e:
            resp = Response(e.code, e.headers, e.read())
        bare = path.split("?", 1)[0]
        for m, p, rx in cls.patterns:
            if m == method and rx.match(bare):
                cls.calls.append((who, m, p, resp.status))
                break
        return resp

    def call(self, who, method, path, body=None, expect=None, headers=None):
        r = self.request(who, method, path, body, headers)
        if expect is not None:
            self.assertEqual(r.status, expect, "%s %s %s: %s" % (who, method, path, r.text[:500]))
            if r.status >= 400:
                self.assertIsInstance(r.json, dict, r.text)
                self.assertIn("error", r.json)
        return r

    def admin(self, method, path, body=None, expect=None):
        return self.call("admin", method, path, body, expect)

    def acme(self, method, path, body=None, expect=None):
        return self.call("acme", method, path, body, expect)

    def send_mail(self, username, password):
        s = self.relay.smtp("starttls")
        try:
            s.login(username, password)
            self.assertEqual(s.mail("app@example.test")[0], 250)
            self.assertEqual(s.rcpt("bob@example.org")[0], 250)
            code, reply = s.data(message())
            self.assertEqual(code, 250, reply)
            return re.search(rb"queued as (\S+)", reply).group(1).decode()
        finally:
            s.quit()

    def poll(self, fn, what, timeout=10):
        deadline = time.time() + timeout
        while True:
            value = fn()
            if value:
                return value
            if time.time() > deadline:
                self.fail("timed out waiting for " + what)
            time.sleep(0.1)

    # --- tests ------------------------------------------------------------------------
    def test_accounts(self):
        self.admin("POST", "/api/v1/accounts", {"name": "initech"}, 201)
        self.admin("POST", "/api/v1/accounts", {"name": "initech"}, 409)
        self.admin("POST", "/api/v1/accounts", {"name": "Not Valid!"}, 422)
        self.admin("POST", "/api/v1/accounts", {"name": 7}, 400)
        names = [a["name"] for a in self.admin("GET", "/api/v1/accounts", expect=200).json]
        self.assertTrue({"acme", "globex", "initech"} <= set(names))
        self.assertEqual(self.admin("GET", "/api/v1/accounts/initech", expect=200).json["status"], "active")
        r = self.admin("POST", "/api/v1/accounts/initech/suspend", {"reason": "unpaid"}, 200)
        self.assertEqual((r.json["status"], r.json["suspend_reason"]), ("suspended", "unpaid"))
        self.assertEqual(self.admin("POST", "/api/v1/accounts/initech/resume", expect=200).json["status"], "active")
        self.admin("GET", "/api/v1/accounts/nobody", expect=404)

        self.assertEqual([a["name"] for a in self.acme("GET", "/api/v1/accounts", expect=200).json], ["acme"])
        self.acme("GET", "/api/v1/accounts/acme", expect=200)
        self.acme("GET", "/api/v1/accounts/globex", expect=403)
        self.acme("POST", "/api/v1/accounts", {"name": "mine"}, 403)
        self.acme("POST", "/api/v1/accounts/acme/suspend", {}, 403)
        self.acme("POST", "/api/v1/accounts/globex/resume", expect=403)
        self.assertEqual(self.admin("GET", "/api/v1/accounts/globex").json["status"], "active")

    def test_authentication(self):
        for who in ("none", "bad"):
            self.call(who, "GET", "/api/v1/accounts", expect=401)
            self.call(who, "POST", "/api/v1/smtp-users", {"username": "x"}, 401)
        r = self.call("none", "GET", "/api/v1/accounts", headers={"Authorization": "Basic YTpi"}, expect=401)
        self.assertNotIn(self.keys["admin"], r.text)
        self.call("admin", "GET", "/api/v1/no-such-route", expect=404)
        self.call("admin", "PUT", "/api/v1/accounts", {}, 405)

    def test_session_cookie_and_csrf(self):
        self.call("none", "POST", "/api/v1/session", {"key": "pk_" + "x" * 43}, 401)
        r = self.call("none", "POST", "/api/v1/session", {"key": self.keys["acme"]}, 200)
        self.assertEqual((r.json["name"], r.json["account"], r.json["admin"]), ("acme-ops", "acme", False))
        cookie_header = r.headers["Set-Cookie"]
        for attr in ("HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"):
            self.assertIn(attr, cookie_header)
        cookie = {"Cookie": cookie_header.split(";", 1)[0]}
        csrf = r.json["csrf_token"]
        me = self.call("none", "GET", "/api/v1/session", headers=cookie, expect=200)
        self.assertEqual(me.json["csrf_token"], csrf)
        self.call("none", "GET", "/api/v1/smtp-users", headers=cookie, expect=200)
        body = {"address": "csrf@example.org"}
        self.call("none", "POST", "/api/v1/suppressions", body, headers=cookie, expect=403)
        self.call("none", "POST", "/api/v1/suppressions", body,
                  headers=dict(cookie, **{"X-CSRF-Token": csrf}), expect=201)
        self.call("none", "GET", "/api/v1/smtp-users?account=globex", headers=cookie, expect=403)
        self.call("none", "DELETE", "/api/v1/session", headers=cookie, expect=403)
        self.call("none", "DELETE", "/api/v1/session", headers=dict(cookie, **{"X-CSRF-Token": csrf}),
                  expect=204)
        self.call("none", "GET", "/api/v1/session", headers=cookie, expect=401)
        admin = self.call("none", "POST", "/api/v1/session", {"key": self.keys["admin"]}, 200)
        self.assertEqual((admin.json["account"], admin.json["admin"]), (None, True))
        # The admin and account keys on the session routes (a Bearer key is no session).
        self.admin("GET", "/api/v1/session", expect=401)
        self.acme("DELETE", "/api/v1/session", expect=401)

    def test_smtp_users(self):
        r = self.acme("POST", "/api/v1/smtp-users",
                      {"username": "acme-web", "domains": ["example.test"], "quota": 1000}, 201)
        generated = r.json["password"]
        self.assertEqual(r.json["account"], "acme")
        # The generated password works over SMTP, and is never shown again.
        self.send_mail("acme-web", generated)
        for resp in (self.acme("GET", "/api/v1/smtp-users/acme-web", expect=200),
                     self.acme("GET", "/api/v1/smtp-users", expect=200)):
            self.assertNotIn(generated, resp.text)
            self.assertNotIn("argon2", resp.text)
        self.assertNotIn(generated, self.relay.log_text())

        r = self.admin("POST", "/api/v1/smtp-users",
                       {"account": "globex", "username": "globex-app", "password": "correct horse 42"}, 201)
        self.assertNotIn("password", r.json)
        self.assertNotIn("correct horse", r.text)
        users = self.admin("GET", "/api/v1/smtp-users", expect=200).json
        self.assertTrue({"acme-web", "globex-app"} <= {u["username"] for u in users})
        mine = self.acme("GET", "/api/v1/smtp-users", expect=200).json
        self.assertIn("acme-web", [u["username"] for u in mine])
        self.assertEqual({u["account"] for u in mine}, {"acme"})

        at = self.acme("POST", "/api/v1/smtp-users", {"username": "crm@example.com"}, 422)
        self.assertIn("not email addresses", at.json["error"])
        self.acme("POST", "/api/v1/smtp-users", {"username": "x1", "mode": "whatever"}, 422)
        self.acme("POST", "/api/v1/smtp-users", {"username": "x1", "quota": "lots"}, 400)
        self.acme("POST", "/api/v1/smtp-users", {"username": "acme-web"}, 409)
        self.acme("POST", "/api/v1/smtp-users", {"account": "globex", "username": "x2"}, 403)
        self.admin("POST", "/api/v1/smtp-users", {"username": "x3"}, 422)  # admin: account needed

        r = self.acme("PATCH", "/api/v1/smtp-users/acme-web",
                      {"allow_ips": ["198.51.100.0/24"], "allow_ip_mode": "report", "rate": "100/m"}, 200)
        self.assertEqual((r.json["allow_ips"], r.json["allow_ip_mode"], r.json["rate"]),
                         (["198.51.100.0/24"], "report", "100/m"))
        self.assertEqual(self.admin("GET", "/api/v1/smtp-users/globex-app", expect=200).json["account"],
                         "globex")
        self.admin("PATCH", "/api/v1/smtp-users/globex-app", {"status": "disabled"}, 200)
        self.admin("PATCH", "/api/v1/smtp-users/globex-app", {"status": "active", "quota": -1}, 422)
        r = self.acme("POST", "/api/v1/smtp-users/acme-web/password", {"grace": "1h"}, 200)
        self.assertIsNotNone(r.json["previous_password_until"])
        new_password = r.json["password"]
        self.send_mail("acme-web", generated)      # the old one, within its grace
        self.send_mail("acme-web", new_password)
        self.admin("POST", "/api/v1/smtp-users/globex-app/password", {"password": "another horse 42"}, 200)
        self.acme("POST", "/api/v1/smtp-users/acme-web/password", {"grace": "forever"}, 422)

        for method, body in (("GET", None), ("PATCH", {"quota": 1}), ("DELETE", None)):
            self.acme(method, "/api/v1/smtp-users/globex-app", body, 403)
        self.acme("POST", "/api/v1/smtp-users/globex-app/password", {}, 403)
        self.acme("GET", "/api/v1/smtp-users?account=globex", expect=403)
        self.acme("GET", "/api/v1/smtp-users/nobody", expect=404)

        self.acme("POST", "/api/v1/smtp-users", {"username": "acme-tmp"}, 201)
        self.acme("DELETE", "/api/v1/smtp-users/acme-tmp", expect=204)
        self.acme("DELETE", "/api/v1/smtp-users/acme-tmp", expect=404)
        self.admin("POST", "/api/v1/smtp-users", {"account": "globex", "username": "globex-tmp"}, 201)
        self.admin("DELETE", "/api/v1/smtp-users/globex-tmp", expect=204)

    def test_domains(self):
        r = self.acme("POST", "/api/v1/domains", {"domain": "mail.acme.example", "algorithms": ["ed25519"]}, 201)
        self.assertEqual(r.json["account"], "acme")
        self.assertTrue(any(rec["kind"] == "dkim" for rec in r.json["records"]))
        self.assertNotIn("PRIVATE", r.text)
        self.admin("POST", "/api/v1/domains", {"account": "globex", "domain": "globex.example"}, 201)
        self.acme("POST", "/api/v1/domains", {"domain": "globex.example"}, 409)
        self.acme("POST", "/api/v1/domains", {"domain": "localhost"}, 422)
        self.acme("POST", "/api/v1/domains", {"account": "globex", "domain": "x.example"}, 403)
        self.assertEqual([d["name"] for d in self.acme("GET", "/api/v1/domains", expect=200).json],
                         ["mail.acme.example"])
        self.assertEqual(len(self.admin("GET", "/api/v1/domains", expect=200).json), 2)
        self.acme("GET", "/api/v1/domains/mail.acme.example", expect=200)
        self.admin("GET", "/api/v1/domains/globex.example", expect=200)
        self.acme("GET", "/api/v1/domains/globex.example", expect=403)
        # Verification asks the DNS server (dnsmasq): SPF is published, the rest is not.
        v = self.acme("POST", "/api/v1/domains/mail.acme.example/verify", expect=200)
        self.assertEqual((v.json["spf"]["status"], v.json["dmarc"]["status"], v.json["verified"]),
                         ("ok", "missing", False))
        self.admin("POST", "/api/v1/domains/globex.example/verify", expect=200)
        self.acme("POST", "/api/v1/domains/globex.example/verify", expect=403)
        self.acme("DELETE", "/api/v1/domains/globex.example", expect=403)
        self.acme("DELETE", "/api/v1/domains/mail.acme.example", expect=204)
        self.acme("GET", "/api/v1/domains/mail.acme.example", expect=404)
        self.admin("DELETE", "/api/v1/domains/globex.example", expect=204)

    def test_logs_queue_and_stats(self):
        self.acme("POST", "/api/v1/smtp-users",
                  {"username": "acme-mailer", "password": "correct horse 42", "domains": ["example.test"]}, 201)
        self.admin("POST", "/api/v1/smtp-users",
                   {"account": "globex", "username": "globex-mailer", "password": "correct horse 42",
                    "domains": ["example.test"]}, 201)
        mine = self.send_mail("acme-mailer", "correct horse 42")
        theirs = self.send_mail("globex-mailer", "correct horse 42")
        s = self.relay.smtp("starttls")
        try:
            with self.assertRaises(Exception):
                s.login("acme-mailer", "wrong password!")
        finally:
            s.close()

        fails = self.poll(lambda: self.acme("GET", "/api/v1/logs/auth?user=acme-mailer&result=fail",
                                            expect=200).json, "the failed login in the auth log")
        self.assertEqual(fails[0]["reason"], "bad_password")
        self.assertNotIn("globex", self.acme("GET", "/api/v1/logs/auth?limit=1000", expect=200).text)
        self.assertIn("globex-mailer", self.admin("GET", "/api/v1/logs/auth?since=1h", expect=200).text)
        self.acme("GET", "/api/v1/logs/auth?account=globex", expect=403)
        self.acme("GET", "/api/v1/logs/auth?result=perhaps", expect=422)

        events = self.poll(lambda: self.acme("GET", "/api/v1/logs/messages?id=" + mine, expect=200).json,
                           "the accepted message in the message log")
        self.assertEqual(events[-1]["status"], "accepted")
        self.poll(lambda: self.admin("GET", "/api/v1/logs/messages?id=" + theirs, expect=200).json,
                  "the other account's message")
        self.assertEqual(self.acme("GET", "/api/v1/logs/messages?id=" + theirs, expect=200).json, [])
        self.acme("GET", "/api/v1/logs/messages?account=globex", expect=403)
        self.acme("GET", "/api/v1/logs/messages?status=lost", expect=422)

        m = self.acme("GET", "/api/v1/messages/" + mine, expect=200).json
        self.assertEqual(m["queue"]["account"], "acme")
        self.admin("GET", "/api/v1/messages/" + theirs, expect=200)
        self.acme("GET", "/api/v1/messages/" + theirs, expect=403)
        self.acme("GET", "/api/v1/messages/00000000000000NONE", expect=404)

        ids = {q["id"] for q in self.acme("GET", "/api/v1/queue", expect=200).json}
        self.assertIn(mine, ids)
        self.assertNotIn(theirs, ids)
        self.assertTrue({mine, theirs} <= {q["id"] for q in self.admin("GET", "/api/v1/queue", expect=200).json})
        self.assertEqual(self.acme("POST", "/api/v1/queue/%s/retry" % mine, expect=200).json["scheduled"], 1)
        self.admin("POST", "/api/v1/queue/%s/retry" % theirs, expect=200)
        self.acme("POST", "/api/v1/queue/%s/retry" % theirs, expect=403)
        self.acme("DELETE", "/api/v1/queue/" + theirs, expect=403)
        self.acme("DELETE", "/api/v1/queue/" + mine, expect=204)
        self.acme("DELETE", "/api/v1/queue/" + mine, expect=404)
        self.admin("DELETE", "/api/v1/queue/" + theirs, expect=204)
        self.assertNotIn(theirs, [q["id"] for q in self.relay.queued()])

        rows = self.poll(lambda: [r for r in self.acme("GET", "/api/v1/stats/hourly?hours=2", expect=200).json
                                  if r["accepted"] > 0], "accepted mail in the hourly stats")
        self.assertEqual(len(self.acme("GET", "/api/v1/stats/hourly?hours=2").json), 2)
        self.assertGreaterEqual(sum(r["auth_failed"] for r in rows), 1)
        self.assertEqual(len(self.admin("GET", "/api/v1/stats/hourly", expect=200).json), 24)
        self.admin("GET", "/api/v1/stats/hourly?account=globex", expect=200)
        self.acme("GET", "/api/v1/stats/hourly?account=globex", expect=403)
        self.acme("GET", "/api/v1/stats/hourly?hours=500", expect=422)

    def test_suppressions(self):
        r = self.acme("POST", "/api/v1/suppressions", {"address": "Gone@Example.org"}, 201)
        self.assertEqual((r.json["account"], r.json["address"]), ("acme", "gone@example.org"))
        self.acme("POST", "/api/v1/suppressions", {"address": "gone@example.org"}, 200)
        self.admin("POST", "/api/v1/suppressions", {"account": "globex", "address": "g@example.org"}, 201)
        self.admin("POST", "/api/v1/suppressions", {"address": "g@example.org"}, 422)
        self.acme("POST", "/api/v1/suppressions", {"address": "not an address"}, 422)
        self.acme("POST", "/api/v1/suppressions", {"account": "globex", "address": "x@example.org"}, 403)
        self.assertIn("gone@example.org",
                      [s["address"] for s in self.acme("GET", "/api/v1/suppressions", expect=200).json])
        self.admin("GET", "/api/v1/suppressions?account=globex", expect=200)
        self.admin("GET", "/api/v1/suppressions", expect=422)
        self.acme("GET", "/api/v1/suppressions?account=globex", expect=403)
        self.acme("DELETE", "/api/v1/suppressions?account=globex&address=g@example.org", expect=403)
        self.acme("DELETE", "/api/v1/suppressions?address=gone@example.org", expect=204)
        self.acme("DELETE", "/api/v1/suppressions?address=gone@example.org", expect=404)
        self.admin("DELETE", "/api/v1/suppressions?account=globex&address=g@example.org", expect=204)

    def test_webhooks(self):
        # An endpoint that refuses connections: deliveries stay pending (retried later).
        r = self.acme("POST", "/api/v1/webhooks", {"url": "http://127.0.0.1:1/hook", "events": ["accepted"]}, 201)
        hook, secret = r.json["id"], r.json["secret"]
        self.assertEqual(r.json["account"], "acme")
        self.assertTrue(secret)
        listed = self.acme("GET", "/api/v1/webhooks", expect=200)
        self.assertEqual([w["id"] for w in listed.json], [hook])
        self.assertNotIn(secret, listed.text)
        admin_hook = self.admin("POST", "/api/v1/webhooks",
                                {"url": "https://hooks.example/all", "events": ["auth_failed"]}, 201).json
        self.assertIsNone(admin_hook["account"])
        self.assertNotIn(secret, self.admin("GET", "/api/v1/webhooks", expect=200).text)
        self.acme("POST", "/api/v1/webhooks", {"url": "gopher://x", "events": ["accepted"]}, 422)
        self.acme("POST", "/api/v1/webhooks", {"url": "http://x.example/", "events": ["lunch"]}, 422)
        self.acme("POST", "/api/v1/webhooks",
                  {"url": "http://x.example/", "events": ["accepted"], "account": "globex"}, 403)

        self.acme("POST", "/api/v1/smtp-users",
                  {"username": "acme-hooked", "password": "correct horse 42", "domains": ["example.test"]}, 201)
        self.send_mail("acme-hooked", "correct horse 42")
        path = "/api/v1/webhooks/%d/deliveries" % hook
        rows = self.poll(lambda: self.acme("GET", path, expect=200).json, "a webhook delivery")
        self.assertEqual(rows[0]["event"], "accepted")
        self.assertEqual(json.loads(rows[0]["body"])["type"], "accepted")
        self.admin("GET", path + "?status=dead", expect=200)
        self.acme("GET", path + "?status=lost", expect=422)
        again = self.acme("POST", "%s/%d/redeliver" % (path, rows[0]["id"]), expect=200)
        self.assertEqual(again.json["status"], "pending")
        self.admin("POST", "%s/%d/redeliver" % (path, rows[0]["id"]), expect=200)
        self.acme("POST", "%s/999999/redeliver" % path, expect=404)

        admin_path = "/api/v1/webhooks/%d" % admin_hook["id"]
        self.acme("GET", admin_path + "/deliveries", expect=403)
        self.acme("POST", admin_path + "/deliveries/1/redeliver", expect=403)
        self.acme("DELETE", admin_path, expect=403)
        self.acme("DELETE", "/api/v1/webhooks?id=%d" % admin_hook["id"], expect=403)
        self.admin("DELETE", "/api/v1/webhooks?id=%d" % admin_hook["id"], expect=204)
        self.acme("DELETE", "/api/v1/webhooks/%d" % hook, expect=204)
        self.acme("DELETE", "/api/v1/webhooks/%d" % hook, expect=404)
        extra = self.acme("POST", "/api/v1/webhooks", {"url": "http://127.0.0.1:1/x", "events": ["bounced"]}, 201)
        self.acme("DELETE", "/api/v1/webhooks?id=%d" % extra.json["id"], expect=204)
        extra = self.admin("POST", "/api/v1/webhooks", {"url": "http://127.0.0.1:1/x", "events": ["bounced"]}, 201)
        self.admin("DELETE", "/api/v1/webhooks/%d" % extra.json["id"], expect=204)

    def test_api_keys(self):
        r = self.acme("POST", "/api/v1/apikeys", {"name": "acme-ci"}, 201)
        key = r.json["key"]
        self.assertEqual((r.json["account"], r.json["prefix"]), ("acme", key[:12]))
        self.keys["acme-ci"] = key
        self.call("acme-ci", "GET", "/api/v1/accounts/acme", expect=200)
        listed = self.acme("GET", "/api/v1/apikeys", expect=200)
        self.assertEqual(sorted(k["name"] for k in listed.json), ["acme-ci", "acme-ops"])
        self.assertNotIn(key, listed.text)
        self.assertNotIn(key, self.admin("GET", "/api/v1/apikeys", expect=200).text)
        self.assertNotIn(key, self.relay.log_text())
        self.acme("POST", "/api/v1/apikeys", {"name": "acme-ci"}, 409)
        self.acme("POST", "/api/v1/apikeys", {"name": "bad name"}, 422)
        self.acme("POST", "/api/v1/apikeys", {"name": "evil", "account": "globex"}, 403)
        self.acme("DELETE", "/api/v1/apikeys/globex-ops", expect=403)
        self.acme("DELETE", "/api/v1/apikeys/e2e-admin", expect=403)
        self.acme("DELETE", "/api/v1/apikeys/acme-ci", expect=204)
        self.call("acme-ci", "GET", "/api/v1/accounts/acme", expect=401)
        self.acme("DELETE", "/api/v1/apikeys/acme-ci", expect=404)
        extra = self.admin("POST", "/api/v1/apikeys", {"name": "second-admin"}, 201)
        self.assertIsNone(extra.json["account"])
        self.admin("DELETE", "/api/v1/apikeys/second-admin", expect=204)

    def test_operations_and_dashboard(self):
        for who in ("admin", "acme", "none"):
            r = self.call(who, "GET", "/healthz", expect=200)
            self.assertEqual(r.json, {"status": "ok"})
            m = self.call(who, "GET", "/metrics", expect=200)
            self.assertTrue(m.headers["Content-Type"].startswith("text/plain; version=0.0.4"))
            self.assertIn("postern_", m.text)
            page = self.call(who, "GET", "/", expect=200)
            self.assertIn("text/html", page.headers["Content-Type"])
            self.assertIn("default-src 'self'", page.headers["Content-Security-Policy"])
            self.assertIn("frame-ancestors 'none'", page.headers["Content-Security-Policy"])
            js = self.call(who, "GET", "/assets/app.js", expect=200)
            self.assertIn("javascript", js.headers["Content-Type"])
        self.call("none", "GET", "/assets/no-such-file.js", expect=404)

    def test_zz_every_operation_was_called_with_both_kinds_of_key(self):
        """Runs last (unittest orders by name): every documented operation was exercised by
        the admin key with success, and by an account key (success, or 403 where the route is
        another account's or admin-only)."""
        self.assertGreater(len(self.ops), 40)
        missing = []
        for method, pattern in self.ops:
            seen = [(who, status) for who, m, p, status in self.calls if (m, p) == (method, pattern)]
            if pattern == "/api/v1/session":
                # The session routes work with the cookie (logins with both keys are checked
                # in test_session_cookie_and_csrf); a Bearer key is no session.
                ok_admin = ok_account = any(w == "none" and s < 300 for w, s in seen)
            else:
                ok_admin = any(w == "admin" and s < 300 for w, s in seen)
                ok_account = any(w == "acme" and (s < 300 or s == 403) for w, s in seen)
            if not (ok_admin and ok_account):
                missing.append("%s %s: %s" % (method, pattern, seen))
        self.assertEqual(missing, [], "operations not exercised with both keys:\n" + "\n".join(missing))


if __name__ == "__main__":
    unittest.main()
