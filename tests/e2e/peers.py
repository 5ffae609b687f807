"""Real peers for the delivery tests: a local dnsmasq serving the test zone, aiosmtpd sinks
(sink.py) and Postfix's smtp-sink, each on loopback, each stopped by PID."""
import glob
import json
import os
import socket
import subprocess

# Daemons the tests start (dnsmasq, smtp-sink) live in /usr/sbin, which a CI shell may lack.
for _dir in ("/usr/sbin", "/sbin"):
    if _dir not in os.environ.get("PATH", "").split(":"):
        os.environ["PATH"] = os.environ.get("PATH", "") + ":" + _dir
import sys
import time

SYSTEM_PYTHON = "/usr/bin/python3"
HERE = os.path.dirname(os.path.abspath(__file__))


def free_port(host="127.0.0.1", kind=socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind((host, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def free_port_all(hosts):
    """A TCP port free on every given loopback address (sinks share one MX port)."""
    for _ in range(50):
        port = free_port()
        ok = True
        for h in hosts:
            try:
                s = socket.socket()
                s.bind((h, port))
                s.close()
            except OSError:
                ok = False
        if ok:
            return port
    raise RuntimeError("no common free port")


def wait_port(host, port, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("%s:%d did not open" % (host, port))


class Dns:
    """dnsmasq answering only from its command line: --mx-host, --host-record, --txt-record,
    --dns-rr. Anything else is NXDOMAIN-free REFUSED/empty; no upstream."""

    def __init__(self, records):
        # The port must be free for UDP and TCP; another test may take it first, so a dnsmasq
        # that exits at once is retried on a new port.
        for _ in range(10):
            self.port = free_port(kind=socket.SOCK_DGRAM)
            args = ["dnsmasq", "--no-daemon", "--port=%d" % self.port, "--listen-address=127.0.0.1",
                    "--bind-interfaces", "--no-resolv", "--no-hosts", "--conf-file=/dev/null",
                    "--user=root", "--group=root", "--log-facility=-"] + records
            self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.3)
            if self.proc.poll() is None:
                return
        raise RuntimeError("dnsmasq failed to start: %s" % " ".join(args))

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


class Sink:
    """An aiosmtpd sink recording every message (optionally with STARTTLS, or refusing)."""

    def __init__(self, host, port, directory, cert=None, key=None, code=0, delay=0.0):
        self.host, self.port, self.dir = host, port, directory
        args = [SYSTEM_PYTHON, os.path.join(HERE, "sink.py"), "--host", host, "--port", str(port),
                "--dir", directory]
        if cert:
            args += ["--cert", cert, "--key", key]
        if code:
            args += ["--code", str(code)]
        if delay:
            args += ["--delay", str(delay)]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError("sink did not start")

    def messages(self):
        out = []
        for path in sorted(glob.glob(os.path.join(self.dir, "*.eml"))):
            with open(path, "rb") as f:
                data = f.read()
            with open(path[:-4] + ".json") as f:
                meta = json.load(f)
            out.append((meta, data))
        return out

    def wait_for(self, count, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            got = self.messages()
            if len(got) >= count:
                return got
            time.sleep(0.1)
        raise AssertionError("sink %s:%d has %d messages, expected %d" % (
            self.host, self.port, len(self.messages()), count))

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


class SmtpSink:
    """Postfix's smtp-sink (as root it must drop to nobody). `extra` e.g. ["-r", "RCPT"]."""

    def __init__(self, host, port, directory, extra=()):
        os.makedirs(directory, exist_ok=True)
        os.chmod(directory, 0o777)  # smtp-sink writes as nobody
        os.chmod(os.path.dirname(os.path.abspath(directory)), 0o755)
        self.dir = directory
        self.log = open(directory.rstrip("/") + ".log", "w")
        self.proc = subprocess.Popen(["smtp-sink", "-u", "nobody", "-d", os.path.join(directory, "%M."),
                                      *extra, "%s:%d" % (host, port), "64"],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        wait_port(host, port)

    def count(self):
        return len(os.listdir(self.dir))

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


def make_cert(directory, cn="sink.test"):
    cert, key = os.path.join(directory, "sink-cert.pem"), os.path.join(directory, "sink-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=" + cn],
                   check=True, capture_output=True)
    return cert, key


class Haproxy:
    """HAProxy in TCP mode on a free loopback port, forwarding to `backends` (ports on
    127.0.0.1) round robin with a PROXY v2 header (send-proxy-v2). Stopped by PID."""

    def __init__(self, backends):
        import tempfile
        self.backends = backends
        self.dir = tempfile.mkdtemp(prefix="postern-haproxy-")
        self.proc = None
        self.port = None

    def start(self):
        servers = "".join("  server n%d 127.0.0.1:%d send-proxy-v2\n" % (i, port)
                          for i, port in enumerate(self.backends))
        for _ in range(5):  # another test may take the port between the probe and the bind
            self.port = free_port()
            cfg = os.path.join(self.dir, "haproxy.cfg")
            with open(cfg, "w") as f:
                f.write("global\n  maxconn 500\ndefaults\n  mode tcp\n  timeout connect 5s\n"
                        "  timeout client 60s\n  timeout server 60s\n"
                        "frontend smtp\n  bind 127.0.0.1:%d\n  default_backend relays\n"
                        "backend relays\n  balance roundrobin\n%s" % (self.port, servers))
            self.proc = subprocess.Popen(["haproxy", "-db", "-f", cfg],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if self._wait_port():
                return self
            self.stop()
        raise RuntimeError("haproxy did not start")

    def _wait_port(self, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                socket.create_connection(("127.0.0.1", self.port), 1).close()
                return True
            except OSError:
                time.sleep(0.05)
        return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def cleanup(self):
        import shutil
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
