"""Black-box harness for Postern's end-to-end tests.

Starts the real `postern` binary on loopback with port-0 listeners in a private temporary data
directory, drives the real CLI, and stops the server by PID. Standard library only, so it runs
under Debian's /usr/bin/python3 (which also has aiosmtpd for the delivery tests).
"""
import base64
import json
import os
import re
import signal
import smtplib
import socket
import ssl
import subprocess

# Daemons the tests start (dnsmasq, smtp-sink) live in /usr/sbin, which a CI shell may lack.
for _dir in ("/usr/sbin", "/sbin"):
    if _dir not in os.environ.get("PATH", "").split(":"):
        os.environ["PATH"] = os.environ.get("PATH", "") + ":" + _dir
import tempfile
import threading
import unittest
import time
import shutil

BIN = os.environ.get("POSTERN_BIN") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "postern")

PASSWORD = "correct horse 42"  # passwords in tests are distinctive so leaks can be grepped


def insecure_tls():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def recv_line(sock, timeout=10):
    """One reply line, read a byte at a time so nothing after it is consumed ("" at EOF)."""
    sock.settimeout(timeout)
    data = b""
    while not data.endswith(b"\r\n"):
        chunk = sock.recv(1)
        if not chunk:
            break
        data += chunk
    return data


def has_ipv6():
    try:
        s = socket.socket(socket.AF_INET6)
        s.bind(("::1", 0))
        s.close()
        return True
    except OSError:
        return False


class Relay:
    """One postern server with its own data directory."""

    def __init__(self, extra_config="", ipv6=True, limits="", hold_mail=True, proxy=None, store_url=None):
        """hold_mail: route all mail to a closed loopback port, so that accepted messages
        stay queued (deferred) and tests can inspect them; delivery tests pass False."""
        self.dir = tempfile.mkdtemp(prefix="postern-e2e-")
        self.data = os.path.join(self.dir, "var")
        self.config = os.path.join(self.dir, "postern.toml")
        self.ipv6 = ipv6 and has_ipv6()
        # (address, tls mode, key in self.ports, extra TOML lines)
        listeners = [("127.0.0.1:0", "starttls", "starttls", ""), ("127.0.0.1:0", "implicit", "implicit", ""),
                     ("127.0.0.1:0", "none", "none", "")]
        if self.ipv6:
            listeners.append(("[::1]:0", "starttls", "starttls6", ""))
        if proxy is not None:
            # proxy: the trusted_proxies list of two extra PROXY-protocol listeners,
            # ports["proxy"] (STARTTLS) and ports["proxy_implicit"] (implicit TLS).
            trusted = "trusted_proxies = [%s]\n" % ", ".join('"%s"' % t for t in proxy)
            listeners.append(("127.0.0.1:0", "starttls", "proxy", "proxy_protocol = true\n" + trusted))
            listeners.append(("127.0.0.1:0", "implicit", "proxy_implicit", "proxy_protocol = true\n" + trusted))
        text = 'hostname = "relay.test"\ndata_dir = "%s"\n' % self.data
        text += '[store]\nurl = "%s"\n' % (store_url or "sqlite:%s/postern.db" % self.data)
        for addr, mode, _, extra in listeners:
            text += '[[listener]]\naddress = "%s"\ntls = "%s"\n%s' % (addr, mode, extra)
        if hold_mail:
            text += '[[delivery.route]]\ndomain = "*"\nto = "127.0.0.1:1"\ntls = "none"\n'
        text += '[limits]\nmax_message_size = 1048576\nmax_recipients = 5\n' + limits
        if "[http]" not in extra_config:
            text += '[http]\naddress = "127.0.0.1:0"\n'
        text += extra_config
        with open(self.config, "w") as f:
            f.write(text)
        self.listeners = listeners
        self.proc = None
        self.output = []
        self.ports = {}
        self.http_url = None    # "http://127.0.0.1:<port>" once started
        self._admin_key = None

    # --- process control -------------------------------------------------------------
    def start(self, timeout=30):
        self.output_path = os.path.join(self.dir, "server.log")
        self.proc = subprocess.Popen([BIN, "-c", self.config, "serve"], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, bufsize=1)
        seen = []
        http_seen = False
        deadline = time.time() + timeout
        while len(seen) < len(self.listeners) or not http_seen:
            if time.time() > deadline:
                self.kill()
                raise RuntimeError("server did not listen in time:\n" + "".join(self.output))
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("server exited:\n" + "".join(self.output))
            self.output.append(line)
            m = re.match(r"listening smtp (\S+) tls=(\w+)", line)
            if m:
                seen.append((m.group(1), m.group(2)))
            m = re.match(r"listening http (\S+)", line)
            if m:
                http_seen = True
                self.http_url = "http://" + m.group(1)
        self.ports = {}
        # `listening smtp` lines come in the order of the configured listeners.
        for (addr, mode), (_, _, key, _) in zip(seen, self.listeners):
            self.ports[key] = int(addr.rsplit(":", 1)[1])
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        return self

    def _drain(self):
        for line in self.proc.stdout:
            self.output.append(line)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._join()

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self._join()

    def _join(self):
        if getattr(self, "_reader", None):
            self._reader.join(5)

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def admin_key(self):
        """An admin API key (made with the CLI on first use)."""
        if self._admin_key is None:
            out = self.cli("apikey", "add", "e2e-admin").stdout
            self._admin_key = re.search(r"(pk_[A-Za-z0-9_-]{43})", out).group(1)
        return self._admin_key

    def api(self, method, path, body=None, key=None, headers=None):
        """One API request; returns (status, parsed JSON or text or None)."""
        import urllib.request
        import urllib.error
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.http_url + path, data=data, method=method)
        if key is None:
            key = self.admin_key
        if key:
            req.add_header("Authorization", "Bearer " + key)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, raw, ctype = r.status, r.read(), r.headers.get("Content-Type", "")
        except urllib.error.HTTPError as e:
            status, raw, ctype = e.code, e.read(), e.headers.get("Content-Type", "")
        if not raw:
            return status, None
        if "json" in ctype:
            return status, json.loads(raw)
        return status, raw.decode("utf-8", "replace")

    def log_text(self):
        return "".join(self.output)

    # --- CLI -------------------------------------------------------------------------
    def cli(self, *args, input=None, check=True):
        r = subprocess.run([BIN, "-c", self.config, *args], input=input, capture_output=True,
                           text=True, timeout=60)
        if check and r.returncode != 0:
            raise AssertionError("postern %s failed (%d): %s%s" % (
                " ".join(args), r.returncode, r.stdout, r.stderr))
        return r

    def cli_json(self, *args):
        return json.loads(self.cli(*args, "--json").stdout)

    def add_account(self, name):
        return self.cli("account", "add", name)

    def add_user(self, account, username, password=PASSWORD, *options):
        """Users may send as example.test and sender.test unless the options say otherwise
        (the default permission mode, `assigned`, allows only assigned domains)."""
        if "--domain" not in options and "--mode" not in options:
            options = options + ("--domain", "example.test", "--domain", "sender.test")
        return self.cli("user", "add", account, username, "--password-stdin", *options,
                        input=password + "\n")

    def auth_events(self, *filters):
        return self.cli_json("log", "auth", *filters)

    def wait_auth_event(self, predicate, timeout=5):
        """The auth log is written in batches (≤100 ms); poll until an event matches."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for e in self.auth_events("--limit", "50"):
                if predicate(e):
                    return e
            time.sleep(0.1)
        raise AssertionError("no matching auth event; last: %s" % self.auth_events("--limit", "5"))

    def queued(self):
        return self.cli_json("queue", "list")

    # --- SMTP ------------------------------------------------------------------------
    def smtp(self, mode="starttls", host="127.0.0.1", timeout=30):
        """An smtplib client, TLS already up for starttls/implicit listeners."""
        if mode == "implicit":
            s = smtplib.SMTP_SSL(host, self.ports["implicit"], context=insecure_tls(), timeout=timeout)
            s.ehlo("client.test")
            return s
        # "plain": the STARTTLS listener without upgrading; "none": the tls="none" listener.
        key = ("starttls" if mode == "plain" else mode) + ("6" if ":" in host else "")
        s = smtplib.SMTP(host, self.ports[key], timeout=timeout)
        s.ehlo("client.test")
        if mode == "starttls":
            s.starttls(context=insecure_tls())
            s.ehlo("client.test")
        return s


def message(subject="test", sender="app@example.test", rcpt="bob@example.org", body="Hello.\r\n"):
    return ("From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\nMessage-ID: <%s@example.test>\r\n\r\n%s"
            % (sender, rcpt, subject, os.urandom(8).hex(), body))


def raw_auth(s, mech, *lines):
    """Sends AUTH and the following lines without smtplib's interpretation; returns replies."""
    replies = [s.docmd("AUTH", mech)]
    for line in lines:
        s.send(line + "\r\n")
        replies.append(s.getreply())
    return replies


def plain(user, password):
    """An AUTH PLAIN initial response."""
    return base64.b64encode(("\0%s\0%s" % (user, password)).encode()).decode()


class RelayTestCase(unittest.TestCase):
    """A test class whose servers and peers are made by `_setup()` (a classmethod): when it
    fails half-way, tearDownClass still runs, so no server or peer is left behind."""

    @classmethod
    def setUpClass(cls):
        try:
            cls._setup()
        except BaseException:
            cls.tearDownClass()
            raise
