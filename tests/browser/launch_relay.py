"""Starts one Postern relay for the browser test (tests/e2e/harness.py: a fresh temporary config,
port-0 listeners including [http]) and prints one JSON line on stdout:

  {"http_url", "ports": {"starttls": n, "implicit": n, ...}, "admin_key", "config", "bin"}

then keeps it running until stdin closes (the test finished or died) or SIGTERM, and removes
the temporary directory. When the test writes the line "failed" first, the end of the server's
output is copied to stderr, so a failed run shows it. Runs under Debian's /usr/bin/python3.
"""
import json
import os
import signal
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import harness  # noqa: E402


def main():
    relay = harness.Relay()
    failed = False
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        relay.start()
        print(json.dumps({
            "http_url": relay.http_url,
            "ports": relay.ports,
            "admin_key": relay.admin_key,
            "config": relay.config,
            "bin": os.path.abspath(harness.BIN),
        }), flush=True)
        for line in sys.stdin:  # until the test closes our stdin
            failed = failed or line.strip() == "failed"
    finally:
        relay.stop()
        if failed:
            sys.stderr.write("--- end of the server output ---\n")
            sys.stderr.write("".join(relay.output[-150:]))
        relay.cleanup()


if __name__ == "__main__":
    main()
