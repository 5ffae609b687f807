#!/usr/bin/python3
"""The long crash run (issue 7, item 1), driven by bench/crash.sh; standard library + aiosmtpd
(Debian's /usr/bin/python3).

    crash.py run --postern BIN --work DIR [--messages 5000] [--kills 20] [--clients 4]
    crash.py sink --port P --out FILE          (used by `run`)

`run` starts an aiosmtpd sink that appends "<Message-ID> <queue id>" for every message it
receives, and Postern (STARTTLS listener, AUTH, every domain routed to the sink). CLIENTS
threads submit over STARTTLS + AUTH PLAIN, each message with a fresh Message-ID, until MESSAGES
have been acknowledged with a 250; every acknowledged (Message-ID, queue id) is recorded. KILLS
SIGKILLs hit Postern at random moments of the load (after a random number of acknowledgements
plus a random delay), and Postern is restarted at once on the same data directory and ports.
Then it waits until Postern's queue is empty and compares: every acknowledged Message-ID must
have reached the sink (a loss makes the exit status 1); duplicates are counted. The summary is
printed and written as JSON to DIR/summary.json.
"""
import argparse
import json
import os
import random
import re
import signal
import smtplib
import ssl
import subprocess
import sys
import threading
import time

PASSWORD = "crash-run-password-1"
USER = "loader"
DOMAIN = "bench.test"


# --- the sink --------------------------------------------------------------------------------
def sink_main(args):
    from aiosmtpd.controller import Controller

    out = open(args.out, "a", buffering=1)
    lock = threading.Lock()
    mid_re = re.compile(rb"^Message-ID:\s*(<[^>\r\n]*>)", re.I | re.M)
    qid_re = re.compile(rb"\bid ([0-9A-Za-z]+)")

    class Recorder:
        async def handle_DATA(self, server, session, envelope):
            data = envelope.original_content or b""
            head = data.split(b"\r\n\r\n", 1)[0]
            mid = mid_re.search(head)
            received = re.search(rb"^Received:[^\r\n]*(?:\r\n[ \t][^\r\n]*)*", head, re.M)
            qid = qid_re.search(received.group(0)) if received else None
            with lock:
                out.write("%s %s %d\n" % (mid.group(1).decode() if mid else "-",
                                          qid.group(1).decode() if qid else "-", len(data)))
            return "250 2.0.0 OK"

    controller = Controller(Recorder(), hostname="127.0.0.1", port=args.port)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()
    return 0


# --- helpers ---------------------------------------------------------------------------------
def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def log(msg):
    print("[crash %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


class Postern:
    """The relay, started and SIGKILLed by PID, always on the same ports and data directory."""

    def __init__(self, binary, work, sink_port):
        self.binary, self.work = binary, work
        self.data = os.path.join(work, "var")
        self.config = os.path.join(work, "postern.toml")
        self.smtp_port, self.http_port = free_port(), free_port()
        with open(self.config, "w") as f:
            f.write('hostname = "relay.%s"\ndata_dir = "%s"\n' % (DOMAIN, self.data))
            f.write('[store]\nurl = "sqlite:%s/postern.db"\n' % self.data)
            f.write('[[listener]]\naddress = "127.0.0.1:%d"\ntls = "starttls"\n' % self.smtp_port)
            f.write('[http]\naddress = "127.0.0.1:%d"\n' % self.http_port)
            f.write('[limits]\nmax_connections_per_ip = 0\n')
            # Short retries: a delivery cut by a kill is tried again within seconds.
            f.write('[delivery]\nretry_schedule = ["1s", "2s", "5s", "10s"]\n')
            f.write('[[delivery.route]]\ndomain = "*"\nto = "127.0.0.1:%d"\ntls = "none"\n' % sink_port)
        self.proc = None
        self.starts = 0

    def cli(self, *args, input=None):
        return subprocess.run([self.binary, "-c", self.config, *args], input=input, text=True,
                              capture_output=True, timeout=120, check=True).stdout

    def start(self, timeout=60):
        self.starts += 1
        logfile = os.path.join(self.work, "serve-%02d.log" % self.starts)
        with open(logfile, "w") as out:
            self.proc = subprocess.Popen([self.binary, "-c", self.config, "serve"], stdout=out,
                                         stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        want = "listening smtp 127.0.0.1:%d" % self.smtp_port
        while time.time() < deadline:
            with open(logfile) as f:
                text = f.read()
            if want in text and "listening http" in text:
                return
            if self.proc.poll() is not None:
                raise RuntimeError("postern exited (%d):\n%s" % (self.proc.returncode, text[-2000:]))
            time.sleep(0.02)
        raise RuntimeError("postern did not listen within %d s" % timeout)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def queue_size(self):
        return len(json.loads(self.cli("queue", "list", "--json")))


# --- the load ----------------------------------------------------------------------------------
class Load:
    def __init__(self, port, target, clients):
        self.port, self.target, self.clients = port, target, clients
        self.lock = threading.Lock()
        self.acked = {}       # Message-ID -> queue id
        self.attempts = 0     # DATA transactions started
        self.errors = {}      # kind -> count
        self.serial = 0
        self.stop = threading.Event()
        self.progress = threading.Condition(self.lock)
        self.body = ("x" * 76 + "\r\n") * 25  # about 2 KiB

    def next_id(self, n):
        with self.lock:
            self.serial += 1
            return "<crash-%d-%d-%s@%s>" % (n, self.serial, os.urandom(4).hex(), DOMAIN)

    def error(self, kind):
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1

    def done(self):
        with self.lock:
            return len(self.acked) >= self.target

    def session(self, n):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        s = smtplib.SMTP("127.0.0.1", self.port, timeout=30)
        try:
            s.ehlo("client%d.%s" % (n, DOMAIN))
            s.starttls(context=ctx)
            s.ehlo("client%d.%s" % (n, DOMAIN))
            s.login(USER, PASSWORD)
            for _ in range(random.randint(1, 40)):  # messages per session vary
                if self.stop.is_set() or self.done():
                    break
                mid = self.next_id(n)
                msg = ("From: <%s@%s>\r\nTo: <rcpt%d@example.net>\r\nSubject: crash run\r\n"
                       "Message-ID: %s\r\n\r\n%s%s\r\n" % (USER, DOMAIN, n, mid, mid, self.body))
                with self.lock:
                    self.attempts += 1
                code, _ = s.mail("%s@%s" % (USER, DOMAIN))
                if code != 250:
                    self.error("MAIL %d" % code)
                    s.rset()
                    continue
                code, _ = s.rcpt("rcpt%d@example.net" % n)
                if code != 250:
                    self.error("RCPT %d" % code)
                    s.rset()
                    continue
                code, resp = s.data(msg)
                if code == 250:
                    qid = re.search(rb"queued as (\w+)", resp).group(1).decode()
                    with self.progress:
                        self.acked[mid] = qid
                        self.progress.notify_all()
                else:
                    self.error("DATA %d" % code)
            try:
                s.quit()
            except smtplib.SMTPException:
                pass
        finally:
            s.close()

    def client(self, n):
        while not self.stop.is_set() and not self.done():
            try:
                self.session(n)
            except (OSError, smtplib.SMTPException) as e:
                # The server was killed mid-session (or is restarting): connect again.
                self.error(type(e).__name__)
                time.sleep(0.05)

    def wait_acked(self, count, timeout):
        with self.progress:
            return self.progress.wait_for(lambda: len(self.acked) >= count or self.stop.is_set(),
                                          timeout)


def run_main(args):
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    received = os.path.join(work, "received.txt")
    open(received, "w").close()
    random.seed(args.seed)
    t0 = time.time()

    sink_port = free_port()
    sink = subprocess.Popen([sys.executable, os.path.abspath(__file__), "sink", "--port",
                             str(sink_port), "--out", received], stdout=subprocess.PIPE, text=True)
    postern = None
    try:
        if sink.stdout.readline().strip() != "ready":
            raise RuntimeError("the sink did not start")
        postern = Postern(args.postern, work, sink_port)
        postern.start()
        postern.cli("account", "add", "bench")
        postern.cli("user", "add", "bench", USER, "--password-stdin", "--domain", DOMAIN,
                    input=PASSWORD + "\n")
        log("postern on 127.0.0.1:%d, sink on 127.0.0.1:%d, %d clients, %d messages, %d kills"
            % (postern.smtp_port, sink_port, args.clients, args.messages, args.kills))

        load = Load(postern.smtp_port, args.messages, args.clients)
        # The moments: after a random number of acknowledgements (distinct, spread over the
        # load) plus a random delay, so the kill lands anywhere in a transaction or a delivery.
        thresholds = sorted(random.sample(range(50, args.messages - 50), args.kills))
        threads = [threading.Thread(target=load.client, args=(i,), daemon=True)
                   for i in range(args.clients)]
        load_start = time.time()
        for t in threads:
            t.start()
        kills = []
        for i, at in enumerate(thresholds):
            if not load.wait_acked(at, args.max_time):
                raise RuntimeError("the load stalled at %d acknowledged messages" % len(load.acked))
            time.sleep(random.uniform(0, 0.3))
            with load.lock:
                acked_now = len(load.acked)
            postern.kill()
            kill_time = time.time()
            postern.start()
            kills.append({"after_acks": acked_now, "restart_s": round(time.time() - kill_time, 3)})
            log("kill %d/%d after %d acknowledged; back up in %.2f s"
                % (i + 1, args.kills, acked_now, time.time() - kill_time))
        for t in threads:
            t.join(args.max_time)
        load.stop.set()
        load_s = time.time() - load_start
        log("load done: %d acknowledged of %d attempts in %.1f s" % (len(load.acked), load.attempts, load_s))

        # Drain: until the queue is empty and the sink has stopped counting.
        drain_start = time.time()
        queued = None
        while time.time() - drain_start < args.max_time:
            queued = postern.queue_size()
            if queued == 0:
                break
            time.sleep(1)
        time.sleep(2)  # a delivery whose 250 was sent may still be recorded by the sink
        drain_s = time.time() - drain_start
        tmp_left = os.listdir(os.path.join(postern.data, "spool", "tmp"))

        counts, qids_seen, sizes = {}, {}, set()
        with open(received) as f:
            for line in f:
                mid, qid, size = line.split()
                counts[mid] = counts.get(mid, 0) + 1
                qids_seen.setdefault(mid, set()).add(qid)
                sizes.add(int(size))
        acked = load.acked
        lost = sorted(m for m in acked if m not in counts)
        wrong_qid = sorted(m for m in acked if m in counts and acked[m] not in qids_seen[m])
        delivered_acked = sum(1 for m in acked if m in counts)
        duplicates = sum(c - 1 for c in counts.values() if c > 1)
        dup_messages = sum(1 for c in counts.values() if c > 1)
        unacked_delivered = sum(1 for m in counts if m not in acked and m != "-")
        summary = {
            "messages_target": args.messages, "clients": args.clients, "kills": len(kills),
            "attempts": load.attempts, "acknowledged": len(acked),
            "delivered_acknowledged": delivered_acked, "lost": len(lost),
            "duplicates": duplicates, "messages_delivered_more_than_once": dup_messages,
            "delivered_without_ack": unacked_delivered,
            "sink_deliveries": sum(counts.values()), "queue_ids_not_matching": len(wrong_qid),
            "queue_left": queued, "spool_tmp_left": len(tmp_left),
            "client_errors": load.errors, "load_s": round(load_s, 1), "drain_s": round(drain_s, 1),
            "total_s": round(time.time() - t0, 1), "kill_points": kills, "seed": args.seed,
            "lost_ids": lost[:20],
        }
        with open(os.path.join(work, "summary.json"), "w") as f:
            json.dump(summary, f, indent=2)
        print("crash run: %d kills during a %d-message load (%d clients, STARTTLS + AUTH PLAIN)"
              % (len(kills), args.messages, args.clients))
        print("  attempts %d, acknowledged (250) %d, of which delivered %d, LOST %d"
              % (load.attempts, len(acked), delivered_acked, len(lost)))
        print("  sink deliveries %d: duplicates %d (%d messages more than once), delivered without "
              "a 250 seen by the client %d" % (sum(counts.values()), duplicates, dup_messages,
                                                unacked_delivered))
        print("  queue left %s, spool/tmp left %d, queue ids not matching %d"
              % (queued, len(tmp_left), len(wrong_qid)))
        print("  client-side errors: %s" % (", ".join("%s x%d" % kv for kv in sorted(load.errors.items())) or "none"))
        print("  load %.1f s, drain %.1f s, total %.1f s" % (load_s, drain_s, time.time() - t0))
        ok = not lost and queued == 0 and len(acked) >= args.messages and not wrong_qid
        print("RESULT: %s" % ("PASS (no acknowledged message lost)" if ok else "FAIL"))
        return 0 if ok else 1
    finally:
        if postern:
            postern.stop()
        sink.terminate()
        sink.wait(10)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--postern", required=True)
    r.add_argument("--work", required=True)
    r.add_argument("--messages", type=int, default=5000)
    r.add_argument("--kills", type=int, default=20)
    r.add_argument("--clients", type=int, default=4)
    r.add_argument("--seed", type=int, default=int(time.time()))
    r.add_argument("--max-time", type=float, default=900)
    s = sub.add_parser("sink")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--out", required=True)
    a = p.parse_args()
    return run_main(a) if a.cmd == "run" else sink_main(a)


if __name__ == "__main__":
    sys.exit(main())
