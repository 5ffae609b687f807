"""Integration scenarios for outbound delivery against real peers on loopback.

Each scenario starts what it needs itself on free ports — dnsmasq (MX/A records), an aiosmtpd
sink with STARTTLS, Postfix's smtp-sink, or a hostile server written here — runs
postern-deliver-test (the real SmtpDeliverer) and stops every process by PID.
Usage: integration_test.py SCENARIO   (run by ctest under Debian's /usr/bin/python3)
"""
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult

TOOL = os.environ.get("POSTERN_DELIVER_TEST", "postern-deliver-test")
DNSMASQ = shutil.which("dnsmasq") or "/usr/sbin/dnsmasq"
SMTP_SINK = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"
WORK = tempfile.mkdtemp(prefix="postern-outbound-")
MESSAGE = (b"From: a@sender.test\r\nTo: b@dest.test\r\nSubject: test\r\n\r\n"
           b"line one\r\n.leading dot\r\n..two dots\r\n.\r\nnon-ascii \xc3\xa9\r\nlast\r\n")
PASSWORD = "pl41n-S3cret-zz"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=5.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nothing listening on %d" % port)


class Process:
    def __init__(self, argv):
        self.p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def stop(self):
        if self.p.poll() is None:
            os.kill(self.p.pid, signal.SIGTERM)
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                os.kill(self.p.pid, signal.SIGKILL)
                self.p.wait()


def start_dnsmasq(domain, mx_records=None, extra=()):
    """MX records for `domain` pointing at 127.0.0.1 hosts; returns (process, port)."""
    port = free_port()
    argv = [DNSMASQ, "--no-daemon", "--keep-in-foreground", "--port=%d" % port,
            "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
            "--conf-file=/dev/null", "--local=/test/", "--log-facility=/dev/null"]
    if os.geteuid() == 0:
        argv.append("--user=root")
    for pref, host in (mx_records or [(10, "mx." + domain)]):
        argv.append("--mx-host=%s,%s,%d" % (domain, host, pref))
        argv.append("--host-record=%s,127.0.0.1" % host)
    argv.extend(extra)
    proc = Process(argv)
    # Ready when it answers over TCP (it listens on TCP and UDP together).
    wait_port(port)
    return proc, port


def tls_context():
    cert, key = os.path.join(WORK, "cert.pem"), os.path.join(WORK, "key.pem")
    if not os.path.exists(cert):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "1", "-subj", "/CN=mx.test"], check=True,
                       capture_output=True)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


class Recorder:
    """The aiosmtpd handler: records envelopes, byte-exact content, TLS use, connections."""

    def __init__(self, rcpt_replies=None, pipelining=True):
        self.messages, self.chunks, self.logins = [], [], []
        self.connections = 0
        self.rcpt_replies = rcpt_replies or {}
        self.pipelining = pipelining

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.pipelining:
            responses.insert(1, "250-PIPELINING")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.rcpt_replies.get(address.split("@")[0])
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                              "content": envelope.original_content,
                              "tls": session.ssl is not None,
                              "mail_options": list(envelope.mail_options)})
        return "250 2.0.0 Ok: queued as TEST%d" % len(self.messages)


def make_smtp_class(recorder):
    class RecordingSMTP(SMTP):
        def connection_made(self, transport):
            if self._original_transport is None:  # a new TCP connection, not the TLS layer
                recorder.connections += 1
            super().connection_made(transport)

        def data_received(self, data):
            recorder.chunks.append(data)
            super().data_received(data)
    return RecordingSMTP


class Sink(Controller):
    def __init__(self, recorder, **kw):
        self.recorder = recorder
        self.port = free_port()
        super().__init__(recorder, hostname="127.0.0.1", port=self.port, **kw)

    def factory(self):
        return make_smtp_class(self.recorder)(self.handler, **self.SMTP_kwargs)

    def start(self):
        super().start()
        self.recorder.connections = 0  # the controller's own readiness probe
        self.recorder.chunks.clear()


def write_config(dns_port, mx_port, extra=""):
    path = os.path.join(WORK, "postern-%d.toml" % free_port())
    with open(path, "w") as f:
        f.write('hostname = "relay.test"\n[[listener]]\naddress = "127.0.0.1:0"\n'
                '[delivery]\nresolver = "127.0.0.1:%d"\nmx_port = %d\n'
                'connect_timeout = "3s"\ngreeting_timeout = "2s"\ncommand_timeout = "2s"\n'
                'data_init_timeout = "2s"\ndata_block_timeout = "2s"\n'
                'data_final_timeout = "3s"\ndns_timeout = "3s"\nidle_timeout = "5s"\n'
                % (dns_port, mx_port) + extra)
    return path


def deliver(config, recipients, sender="a@sender.test", repeat=1, flags=(), message=MESSAGE):
    msg = os.path.join(WORK, "message.eml")
    with open(msg, "wb") as f:
        f.write(message)
    argv = [TOOL, "--config", config, "--from", sender, "--message", msg, "--repeat", str(repeat)]
    for r in recipients:
        argv += ["--to", r]
    argv += list(flags)
    start = time.time()
    out = subprocess.run(argv, capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr.decode()
    assert PASSWORD not in (out.stdout + out.stderr).decode(errors="replace"), "password leaked"
    results = [json.loads(line) for line in out.stdout.decode().splitlines()]
    print("deliver %s -> %s" % (recipients, out.stdout.decode().strip()), file=sys.stderr)
    return results, time.time() - start


def outcomes(result):
    return [r["outcome"] for r in result["recipients"]]


def check(cond, what):
    if not cond:
        raise AssertionError(what)


# ---------------------------------------------------------------------------------- scenarios

def with_sink(recorder, sink_kw, domain, body, config_extra=""):
    sink = Sink(recorder, **sink_kw)
    sink.start()
    dns, dns_port = start_dnsmasq(domain)
    try:
        body(write_config(dns_port, sink.port, config_extra))
    finally:
        dns.stop()
        sink.stop()


def mx_starttls_pipelining():
    rec = Recorder()
    def body(config):
        [res], _ = deliver(config, ["b@dest.test", "c@dest.test"], flags=["--8bitmime"])
        check(outcomes(res) == ["delivered", "delivered"], res)
        check(res["mx"] == "mx.dest.test:%d" % sink_port[0], res["mx"])
        check(res["recipients"][0]["reply"].startswith("250 2.0.0 Ok: queued as TEST1"), res)
        m = rec.messages[0]
        check(m["content"] == MESSAGE, "body not byte-identical: %r" % m["content"])
        check(m["tls"], "STARTTLS was not used")
        check(m["to"] == ["b@dest.test", "c@dest.test"], m)
        check("BODY=8BITMIME" in m["mail_options"], m["mail_options"])
        batched = [c for c in rec.chunks if b"MAIL FROM" in c and b"RCPT TO" in c and b"DATA\r\n" in c]
        check(batched, "MAIL, RCPT and DATA were not pipelined: %r" % rec.chunks)
    sink_port = []
    sink = Sink(rec, tls_context=tls_context(), require_starttls=True)
    sink.start()
    sink_port.append(sink.port)
    dns, dns_port = start_dnsmasq("dest.test")
    try:
        body(write_config(dns_port, sink.port))
    finally:
        dns.stop()
        sink.stop()


def null_mx():
    dns, port = start_dnsmasq("other.test", extra=["--dns-rr=nullmx.test,15,000000"])
    try:
        [res], took = deliver(write_config(port, 1), ["x@nullmx.test", "y@nullmx.test"])
        check(outcomes(res) == ["permanent", "permanent"], res)
        check(res["recipients"][0]["reply"] == "556 5.1.10 Recipient address has null MX", res)
        check(res["mx"] == "", res)
    finally:
        dns.stop()


def nxdomain():
    dns, port = start_dnsmasq("other.test")
    try:
        [res], _ = deliver(write_config(port, 1), ["x@missing.test"])
        check(outcomes(res) == ["permanent"], res)
        check("5.1.2" in res["recipients"][0]["reply"], res)
    finally:
        dns.stop()


def smtp_sink_scenario(flag, expected, code_prefix):
    port = free_port()
    argv = [SMTP_SINK]
    if os.geteuid() == 0:
        argv += ["-u", "nobody"]
    sink = Process(argv + [flag, "rcpt", "127.0.0.1:%d" % port, "10"])
    dns, dns_port = start_dnsmasq("dest.test")
    try:
        wait_port(port)
        [res], _ = deliver(write_config(dns_port, port), ["b@dest.test"])
        check(outcomes(res) == [expected], res)
        check(res["recipients"][0]["reply"].startswith(code_prefix), res)
    finally:
        dns.stop()
        sink.stop()


def transient_4xx():
    smtp_sink_scenario("-r", "transient", "4")


def permanent_5xx():
    smtp_sink_scenario("-f", "permanent", "5")


def connection_refused():
    dns, dns_port = start_dnsmasq("dest.test")
    try:
        [res], took = deliver(write_config(dns_port, free_port()), ["b@dest.test"])
        check(outcomes(res) == ["transient"], res)
        check("4.4.1" in res["recipients"][0]["reply"], res)
        check(took < 10, took)
    finally:
        dns.stop()


def connection_reuse():
    rec = Recorder()
    def body(config):
        results, _ = deliver(config, ["b@dest.test"], repeat=3)
        check(all(outcomes(r) == ["delivered"] for r in results), results)
        check(len(rec.messages) == 3, rec.messages)
        check(rec.connections == 1, "expected one TCP connection, saw %d" % rec.connections)
        check(all(m["content"] == MESSAGE for m in rec.messages), "content changed")
    with_sink(rec, {"tls_context": tls_context()}, "dest.test", body)


def route_auth():
    rec = Recorder()
    def authenticator(server, session, envelope, mechanism, auth_data):
        rec.logins.append((mechanism, auth_data.login, auth_data.password))
        ok = auth_data.login == b"relay" and auth_data.password == PASSWORD.encode()
        return AuthResult(success=ok, handled=False)  # failure: aiosmtpd answers 535
    sink = Sink(rec, tls_context=tls_context(), require_starttls=True, auth_require_tls=True,
                authenticator=authenticator)
    sink.start()
    try:
        route = ('[[delivery.route]]\ndomain = "*"\nto = "127.0.0.1:%d"\ntls = "required"\n'
                 'auth_user = "relay"\nauth_password = "%s"\n' % (sink.port, PASSWORD))
        [res], _ = deliver(write_config(1, 1, route), ["b@anywhere.example"])
        check(outcomes(res) == ["delivered"], res)
        check(rec.logins and rec.logins[0][0] == "PLAIN", rec.logins)
        check(rec.messages[0]["tls"], "AUTH without TLS")
        check(res["mx"] == "127.0.0.1:%d" % sink.port, res)
        # Bad password: deferred, never bounced.
        bad = route.replace(PASSWORD, "wrong")
        [res], _ = deliver(write_config(1, 1, bad), ["b@anywhere.example"])
        check(outcomes(res) == ["transient"], res)
        check(res["recipients"][0]["reply"].startswith("535"), res)
    finally:
        sink.stop()


def recipient_mix():
    rec = Recorder(rcpt_replies={"bad": "550 5.1.1 No such user", "later": "451 4.3.0 Try later"})
    def body(config):
        [res], _ = deliver(config, ["good@dest.test", "bad@dest.test", "later@dest.test"])
        check(outcomes(res) == ["delivered", "permanent", "transient"], res)
        check(res["recipients"][1]["reply"] == "550 5.1.1 No such user", res)
        check(rec.messages[0]["to"] == ["good@dest.test"], rec.messages)
    with_sink(rec, {}, "dest.test", body)


def smtputf8_unsupported():
    rec = Recorder()
    def body(config):
        [res], _ = deliver(config, ["b@dest.test"], flags=["--smtputf8"])
        check(outcomes(res) == ["permanent"], res)
        check("5.6.7" in res["recipients"][0]["reply"], res)
        check(not rec.messages, "sent anyway")
    with_sink(rec, {"enable_SMTPUTF8": False}, "dest.test", body)


def hostile(mode):
    """A server that misbehaves: bare LF replies, an endless multi-line reply, or silence."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    port = server.getsockname()[1]
    stop = threading.Event()

    def serve(conn):
        try:
            if mode == "bare_lf":
                conn.sendall(b"220 hostile ESMTP\n")
                conn.recv(1024)
                conn.sendall(b"250 ok\n")
            elif mode == "endless":
                while not stop.is_set():
                    conn.sendall(b"220-" + b"x" * 70 + b"\r\n")
            stop.wait(30)
        except OSError:
            pass
        finally:
            conn.close()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    dns, dns_port = start_dnsmasq("dest.test")
    try:
        [res], took = deliver(write_config(dns_port, port), ["b@dest.test"])
        check(outcomes(res) == ["transient"], res)
        check(took < 15, "took %.1fs" % took)
        return res
    finally:
        stop.set()
        server.close()
        dns.stop()


def hostile_bare_lf():
    res = hostile("bare_lf")
    check("bare LF" in res["recipients"][0]["reply"], res)


def hostile_endless_reply():
    res = hostile("endless")
    check("too many lines" in res["recipients"][0]["reply"], res)


def hostile_silence():
    res = hostile("silence")
    check("timeout" in res["recipients"][0]["reply"], res)


class LineReader:
    """Buffered reading of a client's commands and DATA from a socket (plain or TLS)."""

    def __init__(self, sock):
        self.sock, self.buf = sock, b""

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("client closed")
        self.buf += data
        if len(self.buf) > 1 << 20:
            raise EOFError("more than 1 MiB unread")

    def line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, _, self.buf = self.buf.partition(b"\r\n")
        return line

    def data(self):
        """The DATA stream up to and including the first CRLF.CRLF, as a strict server reads it."""
        while True:
            i = (b"\r\n" + self.buf).find(b"\r\n.\r\n")  # the stream starts at a line start
            if i >= 0:
                data, self.buf = self.buf[:i + 3], self.buf[i + 3:]
                return data
            self._fill()


class ScriptedSink:
    """A raw-socket SMTP server on loopback: `session(sock, record)` runs in a thread per
    connection; each connection's record holds its events ("cmd", line, tls) / ("data",
    bytes, tls) and anything else the session notes."""

    def __init__(self, session):
        self.session = session
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.port = self.server.getsockname()[1]
        self.records, self.threads = [], []
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        self.server.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                conn, _ = self.server.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            record = {"events": [], "error": None}
            self.records.append(record)
            t = threading.Thread(target=self._run, args=(conn, record), daemon=True)
            self.threads.append(t)
            t.start()

    def _run(self, conn, record):
        conn.settimeout(10)
        try:
            self.session(conn, record)
        except (OSError, EOFError) as e:  # ssl.SSLError is an OSError
            record["error"] = repr(e)
        finally:
            conn.close()

    def finish(self):
        """Waits for every session to end (the client has exited, so they do), then stops."""
        for t in list(self.threads):
            t.join(10)
            check(not t.is_alive(), "a sink session is still running")
        self.stopped.set()
        self.server.close()


def scripted_smtp(sock, record, ehlo, on_starttls=None):
    """Enough ESMTP for one client: EHLO, MAIL/RCPT/RSET/NOOP, DATA (recorded), QUIT."""
    reader, tls = LineReader(sock), False
    sock.sendall(b"220 sink.test ESMTP\r\n")
    while True:
        line = reader.line()
        record["events"].append(("cmd", line, tls))
        verb = line.split(b" ", 1)[0].upper()
        if verb == b"EHLO":
            offered = [b"sink.test"] + [k for k in ehlo if not (tls and k == b"STARTTLS")]
            reader.sock.sendall(b"".join(b"250-" + k + b"\r\n" for k in offered[:-1]) +
                                b"250 " + offered[-1] + b"\r\n")
        elif verb == b"STARTTLS" and on_starttls and not tls:
            reader = on_starttls(reader, record)
            if reader is None:
                return
            tls = True
        elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
            reader.sock.sendall(b"250 2.0.0 ok\r\n")
        elif verb == b"DATA":
            reader.sock.sendall(b"354 go ahead\r\n")
            record["events"].append(("data", reader.data(), tls))
            reader.sock.sendall(b"250 2.0.0 queued\r\n")
        elif verb == b"QUIT":
            reader.sock.sendall(b"221 2.0.0 bye\r\n")
            return
        else:
            reader.sock.sendall(b"500 5.5.1 unexpected\r\n")


def commands(record, verb=None):
    cmds = [e for e in record["events"] if e[0] == "cmd"]
    return [e for e in cmds if verb is None or e[1].upper().startswith(verb)]


SMUGGLED = (b"MAIL FROM:<evil@x.test>\r\nRCPT TO:<victim@dest.test>\r\nDATA\r\n"
            b"From: evil@x.test\r\nSubject: smuggled\r\n\r\nowned\r\n")
SMUGGLING_ENDS = [b"\n.\n", b"\r\n.\n", b"\n.\r\n", b"\r.\r", b"\r\n.\r", b"\r.\r\n", b"\r\n.\r\n"]
# What lax receivers have taken for the end of data (SMTP smuggling, CVE-2023-51764 & co.).
LAX_ENDS = [b"\n.\n", b"\r.\r", b"\n.\r\n", b"\r\n.\n", b"\r\n.\r", b"\r.\r\n", b"\n.\r"]


def check_one_message(data, message):
    """`data` (the DATA stream up to its end) cannot be read as two messages by any sink."""
    check(data.endswith(b"\r\n.\r\n"), "no CRLF.CRLF at the end: %r" % data)
    check(not re.search(rb"\r(?!\n)", data), "bare CR sent: %r" % data)
    check(not re.search(rb"(?<!\r)\n", data), "bare LF sent: %r" % data)
    stream = b"\r\n" + data  # DATA starts at a line start
    real_end = len(stream) - 5
    check(stream.find(b"\r\n.\r\n") == real_end, "more than one end of data: %r" % data)
    for lax in LAX_ENDS:
        pos = stream.find(lax)
        check(pos == -1 or pos >= real_end, "a sink taking %r for the end finds it at %d of %d: %r"
              % (lax, pos, real_end, data))
    lines = data[:-5].split(b"\r\n") if len(data) > 3 else []
    for line in lines:
        check(not line.startswith(b".") or line.startswith(b".."), "not dot-stuffed: %r" % line)
    # Nothing lost: the content is the message with its line ends made CRLF.
    unstuffed = [line[1:] if line.startswith(b".") else line for line in lines]
    original = re.split(rb"\r\n|\r|\n", message)
    if original and original[-1] == b"":
        original.pop()
    check(unstuffed == original, "content changed: %r -> %r" % (message, data))


def hostile_smuggling():
    """Messages holding every end-of-data look-alike and a second transaction after it: the
    client sends one message, with CRLF line ends only, whatever the sink's parser."""
    sink = ScriptedSink(lambda sock, record: scripted_smtp(
        sock, record, [b"PIPELINING", b"8BITMIME", b"SIZE 1000000"]))
    dns, dns_port = start_dnsmasq("dest.test")
    try:
        config = write_config(dns_port, sink.port)
        for n, end in enumerate(SMUGGLING_ENDS):
            message = (b"From: a@sender.test\r\nTo: b@dest.test\r\nSubject: smuggling\r\n\r\n"
                       b"first part" + end + SMUGGLED)
            [res], _ = deliver(config, ["b@dest.test"], message=message)
            check(outcomes(res) == ["delivered"], (end, res))
            check(len(sink.records) == n + 1, "expected one connection per delivery")
            deadline = time.time() + 10  # the session ends when the client hangs up
            while sink.threads[n].is_alive() and time.time() < deadline:
                time.sleep(0.02)
            record = sink.records[n]
            events = record["events"]
            datas = [i for i, e in enumerate(events) if e[0] == "data"]
            check(len(datas) == 1, "%r: %d DATA streams" % (end, len(datas)))
            data = events[datas[0]][1]
            check_one_message(data, message)
            check(SMUGGLED.split(b"\r\n")[0] in data, "smuggled text not carried as content")
            check(len(commands(record, b"MAIL")) == 1 and len(commands(record, b"RCPT")) == 1,
                  "%r: %r" % (end, commands(record)))
            after = [e[1].upper() for e in events[datas[0] + 1:]]
            check(all(c in (b"RSET", b"QUIT") for c in after),
                  "%r: after the end of data the client sent %r" % (end, after))
            print("%r: one message, %d bytes of DATA, then %r" % (end, len(data), after),
                  file=sys.stderr)
    finally:
        dns.stop()
        sink.finish()


STARTTLS_INJECTIONS = [b"250-injected\r\n250 PIPELINING\r\n", b"554 5.7.1 injected\r\n"]


def hostile_starttls_injection():
    """The server answers STARTTLS with 220 and, in the same send(), plain-text replies; then
    it does TLS and behaves. The client must never act on the injected replies."""
    ctx = tls_context()
    for injected in STARTTLS_INJECTIONS:
        def on_starttls(reader, record):
            record["pipelined_after_starttls"] = reader.buf  # the client must wait for 220
            reader.sock.sendall(b"220 2.0.0 go ahead\r\n" + injected)
            first = reader.sock.recv(64, socket.MSG_PEEK)
            record["after_starttls"] = first  # b"": the client hung up
            if first[:1] != b"\x16":  # not a TLS handshake record
                return None
            tls_sock = ctx.wrap_socket(reader.sock, server_side=True)
            record["events"].append(("tls", b"", True))
            return LineReader(tls_sock)

        sink = ScriptedSink(lambda sock, record: scripted_smtp(
            sock, record, [b"STARTTLS", b"PIPELINING", b"8BITMIME"], on_starttls))
        dns, dns_port = start_dnsmasq("dest.test")
        try:
            [res], _ = deliver(write_config(dns_port, sink.port), ["b@dest.test"])
        finally:
            dns.stop()
            sink.finish()
        reply = res["recipients"][0]["reply"]
        check("injected" not in reply, "the outcome came from the injected reply: %r" % res)
        check(sink.records, "no connection")
        for record in sink.records:
            check(not record.get("pipelined_after_starttls"), record)
            after = record.get("after_starttls")
            check(after is None or after == b"" or after[:1] == b"\x16",
                  "plain text after STARTTLS's 220: %r" % after)
        mails = [(r, e) for r in sink.records for e in commands(r, b"MAIL")]
        if outcomes(res) == ["delivered"]:
            record = mails[0][0]
            events = record["events"]
            tls_at = [i for i, e in enumerate(events) if e[0] == "tls"]
            check(tls_at, "delivered without TLS: %r" % events)
            ehlo_after = [e for e in events[tls_at[0]:] if e[0] == "cmd" and
                          e[1].upper().startswith(b"EHLO")]
            check(ehlo_after and ehlo_after[0][2], "no EHLO inside TLS: %r" % events)
            check(all(e[2] for e in events[tls_at[0]:]), events)
            check(all(e[2] for r, e in mails), "MAIL in plain text: %r" % mails)
            print("%r: delivered after TLS and a new EHLO" % injected, file=sys.stderr)
        else:
            check(outcomes(res) == ["transient"], res)
            check(not mails, "aborted, yet a transaction was started: %r" % mails)
            print("%r: aborted with %r" % (injected, reply), file=sys.stderr)


if __name__ == "__main__":
    name = sys.argv[1]
    try:
        globals()[name]()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    print("ok", name)
