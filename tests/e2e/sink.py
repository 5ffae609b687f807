"""A recording SMTP sink for the delivery tests (aiosmtpd; run with Debian's /usr/bin/python3).

Every message is written to DIR as <n>.eml (the DATA bytes exactly as received) and <n>.json
(envelope, peer, whether STARTTLS was used, EHLO name). Prints "ready" once listening.
    sink.py --host 127.0.0.2 --port 2525 --dir /tmp/x [--cert c.pem --key k.pem] [--code 451]
"""
import argparse
import asyncio
import json
import os
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, directory, code, delay=0.0):
        self.directory = directory
        self.code = code
        self.delay = delay
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.code:
            return "%d %s.0.0 sink told to refuse" % (self.code, str(self.code)[0])
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.count += 1
            n = self.count
        base = os.path.join(self.directory, "%06d" % n)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        meta = {"mail_from": envelope.mail_from, "rcpt": envelope.rcpt_tos,
                "tls": session.ssl is not None, "helo": session.host_name,
                "peer": list(session.peer)[:2]}
        with open(base + ".json", "w") as f:
            json.dump(meta, f)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 OK sink-%d" % n


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--code", type=int, default=0)
    p.add_argument("--delay", type=float, default=0.0, help="seconds to wait before each 250")
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    kwargs = {}
    if a.cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)
        kwargs["tls_context"] = ctx
    controller = Controller(Recorder(a.dir, a.code, a.delay), hostname=a.host, port=a.port,
                            server_hostname="sink.test", **kwargs)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    sys.exit(main())
