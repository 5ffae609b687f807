#!/usr/bin/python3
"""One measured run for bench/compare.sh: runs smtpload, then waits until the sink has
received every accepted message, and prints smtpload's JSON extended with end-to-end figures.

    runcase.py --sink-log FILE [--settle S] [--max-wait S] [--rss-pid PID] -- smtpload ARGS...

The sink is `smtp-sink -c`, whose output is a stream of "sess=N quit=N mesg=N" counters
separated by CR; only its tail is read, so polling costs one small read every 20 ms.
End to end = accepted / (time from starting smtpload until the sink count reaches the
baseline plus the accepted messages). If the count stops moving for --settle seconds the
wait ends and "delivered" says how many arrived. Standard library only.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

COUNTER = re.compile(rb"mesg=(\d+)")


def sink_count(path):
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 256))
            found = COUNTER.findall(f.read())
            return int(found[-1]) if found else 0
    except FileNotFoundError:
        return 0


def rss_kb(pid):
    """VmRSS and VmHWM of a process, in KiB."""
    out = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    out[line.split(":")[0]] = int(line.split()[1])
    except OSError:
        pass
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sink-log", required=True)
    ap.add_argument("--settle", type=float, default=10.0)
    ap.add_argument("--max-wait", type=float, default=300.0)
    ap.add_argument("--rss-pid", type=int, default=0)
    ap.add_argument("--log", default=None, help="where smtpload's full output goes")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd

    base = sink_count(a.sink_log)
    rss_before = rss_kb(a.rss_pid) if a.rss_pid else {}
    rss_holding = {}
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("holding ") and a.rss_pid:
            time.sleep(1.0)  # let the server finish the last handshakes' bookkeeping
            rss_holding = rss_kb(a.rss_pid)
    proc.wait()
    t_accepted = time.monotonic()
    if a.log:
        with open(a.log, "w") as f:
            f.writelines(lines)
    try:
        result = json.loads(lines[-1])
    except (IndexError, ValueError):
        sys.stderr.write("smtpload gave no JSON:\n" + "".join(lines[-20:]))
        sys.exit(1)

    accepted = result.get("accepted", 0)
    target = base + accepted
    count, last_change, last_count = base, time.monotonic(), base
    while accepted and count < target:
        now = time.monotonic()
        if now - last_change > a.settle or now - t0 > a.max_wait:
            break
        time.sleep(0.02)
        count = sink_count(a.sink_log)
        if count != last_count:
            last_count, last_change = count, time.monotonic()
    t_end = time.monotonic() if count >= target else None
    delivered = min(count, target) - base
    result["delivered"] = delivered
    result["all_delivered"] = bool(accepted) and count >= target
    result["accept_s"] = round(t_accepted - t0, 3)
    if t_end is not None:
        result["e2e_s"] = round(t_end - t0, 3)
        result["e2e_msgs_per_s"] = round(accepted / (t_end - t0), 1)
    else:
        result["e2e_s"] = None
        result["e2e_msgs_per_s"] = None
    if a.rss_pid:
        result["server_rss_before_kb"] = rss_before.get("VmRSS")
        result["server_rss_holding_kb"] = rss_holding.get("VmRSS")
        result["server_hwm_kb"] = rss_kb(a.rss_pid).get("VmHWM")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
