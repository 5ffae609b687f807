"""Helpers shared by the test_policy_*.py scenarios: a dnsmasq on a port chosen before the relay
starts (so that records derived from the relay's own output, such as DKIM keys or user UUIDs,
can be published after it runs), message-log polling, swaks, and smtplib transactions that keep
every reply the relay sent."""
import os
import re
import socket
import subprocess
import tempfile
import time

from harness import PASSWORD
from peers import free_port

import peers


class DnsOnPort(peers.Dns):
    """peers.Dns, but on a port picked in advance (the relay's config names it), with the
    records in a dnsmasq config file: only there does dnsmasq honour quotes, which TXT strings
    with commas need ("v=pl1 auth=a,b"). `records` are command-line style ("--txt-record=...")."""

    def __init__(self, port, records):
        self.port = port
        fd, self.conf = tempfile.mkstemp(prefix="dnsmasq-", suffix=".conf")
        with os.fdopen(fd, "w") as f:
            for rec in records:
                assert rec.startswith("--") and "\n" not in rec, rec
                f.write(rec[2:] + "\n")
        args = ["dnsmasq", "--no-daemon", "--port=%d" % port, "--listen-address=127.0.0.1",
                "--bind-interfaces", "--no-resolv", "--no-hosts", "--conf-file=" + self.conf,
                "--user=root", "--group=root", "--log-facility=-"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.3)
        if self.proc.poll() is not None:
            raise RuntimeError("dnsmasq failed to start: %s" % " ".join(args))

    def stop(self):
        super().stop()
        os.unlink(self.conf)


def dns_port():
    """A port free for both UDP and TCP (dnsmasq listens on both; a relay's port-0 listeners
    may hold the TCP side of a port that is free for UDP)."""
    for _ in range(50):
        port = free_port(kind=socket.SOCK_DGRAM)
        try:
            s = socket.socket()
            s.bind(("127.0.0.1", port))
            s.close()
            return port
        except OSError:
            continue
    raise RuntimeError("no port free for UDP and TCP")


def txt(name, value):
    """A dnsmasq --txt-record; values over 255 octets are split into several strings, each
    quoted (dnsmasq's way to put commas into a string)."""
    assert '"' not in value and "\\" not in value, value
    chunks = [value[i:i + 250] for i in range(0, len(value), 250)] or [""]
    return "--txt-record=%s,%s" % (name, ",".join('"%s"' % c for c in chunks))


def message_events(relay, *filters):
    return relay.cli_json("log", "messages", "--limit", "2000", *filters)


def wait_message_events(relay, predicate, count=1, timeout=8):
    """The message log is written in batches (~100 ms): poll until `count` events match."""
    deadline = time.time() + timeout
    got = []
    while time.time() < deadline:
        got = [e for e in message_events(relay) if predicate(e)]
        if len(got) >= count:
            return got
        time.sleep(0.1)
    raise AssertionError("%d matching message events, expected %d; last events: %s" % (
        len(got), count, message_events(relay)[:5]))


def reply_line(reply):
    """smtplib's (code, text) as the single reply line the relay sent."""
    code, text = reply
    return "%d %s" % (code, text.decode())


def login(relay, user, password=PASSWORD, mode="starttls"):
    s = relay.smtp(mode)
    s.login(user, password)
    return s


class Transaction:
    """One SMTP transaction step by step, recording every reply (smtplib, no exceptions)."""

    def __init__(self, smtp):
        self.s = smtp
        self.replies = {}

    def run(self, mail_from, rcpts, msg):
        self.replies["mail"] = self.s.mail(mail_from)
        if self.replies["mail"][0] != 250:
            self.s.rset()
            return self
        self.replies["rcpt"] = [self.s.rcpt(r) for r in rcpts]
        if not any(r[0] == 250 for r in self.replies["rcpt"]):
            self.s.rset()
            return self
        self.replies["data"] = self.s.data(msg.encode() if isinstance(msg, str) else msg)
        return self


def queue_id_of(reply):
    m = re.fullmatch(rb"2\.0\.0 OK Message queued as (\S+)", reply[1])
    assert reply[0] == 250 and m, reply
    return m.group(1).decode()


def swaks(relay, user, mail_from, rcpt, headers=(), body="swaks body", password=PASSWORD,
          extra=()):
    """Runs swaks over STARTTLS with AUTH PLAIN; returns (exit code, transcript)."""
    args = ["swaks", "--server", "127.0.0.1", "--port", str(relay.ports["starttls"]), "--tls",
            "--auth", "PLAIN", "--auth-user", user, "--auth-password", password,
            "--from", mail_from, "--to", rcpt, "--helo", "swaks.test", "--body", body,
            "--timeout", "20"]
    for h in headers:
        args += ["--add-header", h]
    args += list(extra)
    r = subprocess.run(args, capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout + r.stderr


def swaks_server_lines(transcript):
    """The server's reply lines in a swaks transcript: "<-  250 ...", "<** 550 ..." in clear
    text, "<~  250 ...", "<~* 550 ..." inside TLS."""
    out = []
    for line in transcript.splitlines():
        m = re.match(r"^<[-~*]{1,2}\s+(.*)$", line)
        if m:
            out.append(m.group(1))
    return out
