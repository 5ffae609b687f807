#!/usr/bin/python3
"""Writes bench/RESULTS.md (to stdout) from the run files of bench/compare.sh.

    report.py RESULTS_DIR [--png-dir DIR]

RESULTS_DIR holds <case>-<server>-<run>.json (runcase.py's output), <case>-<server>.cmd
(the exact smtpload command), machine.env, T4attack-<server>-<run>.json (the attacker's
smtpload line) and profile/profile.json (bench/profile.sh). Every figure is the median over
the runs; ratios are Postern / Postfix from the same run of compare.sh. The scaling curves
are drawn with gnuplot into --png-dir (the directory of RESULTS.md, so the links in it are
relative; default: RESULTS_DIR). Standard library only (and gnuplot, when installed).
"""
import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys

SERVERS = ("postfix", "postern")
CASES = {
    "T1": "persistent connections: 20 connections x 50 messages, 4 KiB, 1 rcpt, "
          "STARTTLS + AUTH PLAIN, PIPELINING",
    "T2": "a new connection per message: 20 concurrent, 1000 messages, full TLS handshake "
          "(no resumption) + AUTH PLAIN + 1 message of 4 KiB",
}
TARGETS = {"T1": 4.0, "T2": 3.0}  # issue 6: Postern/Postfix, end to end
METRICS = [  # key, label, higher is better
    ("e2e_msgs_per_s", "end to end, messages/s (accepted and received by the sink)", True),
    ("msgs_per_s", "acceptance only, messages/s (client got 250; not end to end)", True),
    ("sessions_per_s", "sessions/s (connect + STARTTLS + AUTH completed)", True),
    ("setup_p50_ms", "session set-up p50, ms", False),
    ("setup_p99_ms", "session set-up p99, ms", False),
    ("msg_p50_ms", "per message (MAIL .. 250) p50, ms", False),
    ("msg_p99_ms", "per message (MAIL .. 250) p99, ms", False),
]


def load_runs(directory, case, server):
    runs = []
    for path in sorted(glob.glob(os.path.join(directory, "%s-%s-*.json" % (case, server)))):
        if path.endswith("-0.json"):
            continue  # warm-up
        try:
            with open(path) as f:
                runs.append(json.load(f))
        except (OSError, ValueError):
            pass
    return runs


def median(runs, key):
    values = [r.get(key) for r in runs]
    if not values or any(v is None for v in values):
        return None  # a figure is reported only when every run produced it
    return statistics.median(values)


def fmt(v, digits=1):
    return "n/a" if v is None else ("%.*f" % (digits, v))


def ratio(postern, postfix, higher_is_better):
    if postern is None or postfix is None or postern == 0 or postfix == 0:
        return "n/a"
    r = postern / postfix
    note = "" if higher_is_better else " (lower is better)"
    return "%.2f×%s" % (r, note)


def read_env(directory):
    env = {}
    try:
        with open(os.path.join(directory, "machine.env")) as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition("=")
                env[k] = v
    except OSError:
        pass
    return env


def read_cmd(directory, case, server):
    try:
        with open(os.path.join(directory, "%s-%s.cmd" % (case, server))) as f:
            return f.read().strip()
    except OSError:
        return "(not run)"


T4_P99_TARGET_MS = 50.0
T3_TARGET_SESSIONS = 10000
T3_TARGET_MIB = 300.0


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def t1_t2_ratio(d, case):
    runs = {s: load_runs(d, case, s) for s in SERVERS}
    pf, pn = median(runs["postfix"], "e2e_msgs_per_s"), median(runs["postern"], "e2e_msgs_per_s")
    return (pn / pf) if pf and pn else None, pf, pn


def t4_runs(d, server):
    """(legitimate user's runcase JSON, attacker's smtpload JSON) per run."""
    out = []
    for path in sorted(glob.glob(os.path.join(d, "T4-%s-*.json" % server))):
        run = path.rsplit("-", 1)[1][:-len(".json")]
        if run == "0":
            continue
        legit = load_json(path)
        attack = load_json(os.path.join(d, "T4attack-%s-%s.json" % (server, run)))
        out.append((legit, attack))
    return out


def t4_verdict(d):
    """The T4 target for Postern: medians over runs of the legitimate user's AUTH p99 (runs
    where at least one AUTH completed), its failed sessions and the attacker's achieved rate."""
    runs = t4_runs(d, "postern")
    legits = [l for l, _ in runs if l]
    if not legits:
        return None
    with_auth = [l for l in legits if l.get("auth_samples")]
    p99 = statistics.median(l["auth_p99_ms"] for l in with_auth) if with_auth else None
    failed = sum(l.get("sessions_failed", 0) for l in legits)
    total = sum(l.get("sessions", 0) + l.get("sessions_failed", 0) for l in legits)
    attacks = [a for _, a in runs if a]
    rate = statistics.median(a.get("auth_per_s", 0) for a in attacks) if attacks else 0
    ok = p99 is not None and p99 < T4_P99_TARGET_MS and failed == 0
    measured = "%s, %d of %d legit sessions failed, attacker %.0f AUTH/s" % (
        "p99 %.1f ms" % p99 if p99 is not None else "no legit AUTH completed", failed, total, rate)
    return {"p99": p99, "failed": failed, "total": total, "rate": rate, "ok": ok,
            "measured": measured, "verdict": "met" if ok else "missed",
            "ratio": "%.2f" % (p99 / T4_P99_TARGET_MS) if p99 is not None else "n/a"}


def targets_summary(d):
    out = ["## Targets (issue 6), from this run\n",
           "| target | required | measured | ratio to the target | verdict |",
           "|---|---|---|---:|---|"]
    for case, target in TARGETS.items():
        r, pf, pn = t1_t2_ratio(d, case)
        if r is None:
            out.append("| %s end to end | Postern ≥ %.0f× Postfix | n/a | n/a | not measurable |"
                       % (case, target))
        else:
            out.append("| %s end to end | Postern ≥ %.0f× Postfix | %.2f× (%.0f vs %.0f msg/s) | "
                       "%.2f | **%s** |" % (case, target, r, pn, pf, r / target,
                                            "met" if r >= target else "missed"))
    t3 = load_runs(d, "T3", "postern")
    if t3:
        r = t3[0]
        holding, est = r.get("server_rss_holding_kb"), r.get("idle_established", 0)
        alive, req = r.get("idle_alive", 0), r.get("idle_requested", 0)
        if holding:
            mib, mb = holding / 1024.0, holding * 1024 / 1e6
            held = est >= T3_TARGET_SESSIONS and alive == est
            if req < T3_TARGET_SESSIONS:
                verdict = "not measured at full size"
            elif held and mb < T3_TARGET_MIB:
                verdict = "met"
            elif held and mib < T3_TARGET_MIB:
                # The issue says "300 MB": under it in MiB (2^20) but not in MB (10^6).
                verdict = "met in MiB, missed in MB (10^6 bytes)"
            else:
                verdict = "missed"
            out.append("| T3 idle TLS sessions | %d sessions, RSS < 300 MB | %d of %d held, %d alive, "
                       "%.1f MiB = %.1f MB | %.2f (MiB), %.2f (MB) | **%s** |"
                       % (T3_TARGET_SESSIONS, est, req, alive, mib, mb, mib / T3_TARGET_MIB,
                          mb / T3_TARGET_MIB, verdict))
    else:
        out.append("| T3 idle TLS sessions | %d sessions, RSS < 300 MB | not run | n/a | not measured |"
                   % T3_TARGET_SESSIONS)
    v = t4_verdict(d)
    if v:
        out.append("| T4 under attack | legit AUTH p99 < %.0f ms, every legit session authenticated, while "
                   "500 bad AUTHs/s arrive | %s | %s | **%s** |"
                   % (T4_P99_TARGET_MS, v["measured"], v["ratio"], v["verdict"]))
    else:
        out.append("| T4 under attack | legit AUTH p99 < %.0f ms | not run | n/a | not measured |"
                   % T4_P99_TARGET_MS)
    if curve_cases(d):
        out.append("| scaling curves | shown as PNG | see [Scaling curves](#scaling-curves) | | shown |")
    out.append("")
    out.append("Each missed target, its measured bottleneck and what would remove it: "
               "[docs/performance.md, \"Where the targets stand\"]"
               "(../docs/performance.md#where-the-targets-stand-and-why-run-of-benchresultsmd).")
    out.append("")
    return "\n".join(out)


def t4_section(d, env):
    out = ["## T4: under attack\n"]
    runs = {s: t4_runs(d, s) for s in SERVERS}
    if not any(runs.values()):
        out.append("Not run.\n")
        return "\n".join(out)
    out.append(
        "An attacker at 127.0.0.2 opens %s sessions/s (open loop, whatever the replies; at most "
        "2000 in flight), each STARTTLS + %s `AUTH PLAIN` with a wrong password for the real "
        "user, for %s s. One second later a legitimate client at 127.0.0.1 opens %s sessions/s "
        "for %d s, each a full TLS handshake + `AUTH PLAIN` + one 4 KiB message. *AUTH* latency "
        "is from sending `AUTH` to the `235`, over the sessions that got one (n/a: none did); a "
        "session that timed out (10 s) counts as failed. The attacker's achieved rate counts "
        "the AUTH commands it sent within its %s s. Both servers keep their shipped brute-force "
        "defaults: Postern `[auth] max_failures_per_ip = 30`, `failure_window = \"10m\"` (then "
        "`454 4.7.0` without a password check; a tarpit of 250 ms doubling to 4 s after 3 "
        "failures); Postfix anvil's `smtpd_client_connection_count_limit = 50` for clients "
        "outside `mynetworks` (`%s`), no AUTH rate limit. Postern's `[limits] "
        "max_connections_per_ip` is 0 in this bench (T3 needs it), so the attacker is not "
        "limited by connections. Postern is restarted before each of its T4 runs (an empty "
        "throttle) and stopped after it.\n"
        % (env.get("t4_rate", "?"), env.get("t4_auths_per_conn", "1"), env.get("t4_seconds", "?"),
           env.get("t4_legit_rate", "?"), int(env.get("t4_seconds", "2") or 2) - 2,
           env.get("t4_seconds", "?"), env.get("postfix_mynetworks", "?")))

    # A latency is taken only from runs that have samples of it (a run where nothing
    # completed has no latency, not a latency of 0).
    needs = {"auth_p50_ms": "auth_samples", "auth_p90_ms": "auth_samples",
             "auth_p99_ms": "auth_samples", "auth_max_ms": "auth_samples",
             "setup_p99_ms": "sessions", "msg_p99_ms": "accepted"}

    def med(server, which, key):
        values = [(l if which == "legit" else a).get(key) for l, a in runs[server]
                  if (l if which == "legit" else a) and
                  (key not in needs or (l if which == "legit" else a).get(needs[key]))]
        values = [v for v in values if v is not None]
        return statistics.median(values) if values else None

    out.append("| | Postfix | Postern | Postern / Postfix |\n|---|---:|---:|---:|")
    for key, label, higher in [("auth_p50_ms", "legit AUTH p50, ms", False),
                               ("auth_p90_ms", "legit AUTH p90, ms", False),
                               ("auth_p99_ms", "legit AUTH p99, ms", False),
                               ("auth_max_ms", "legit AUTH max, ms", False),
                               ("setup_p99_ms", "legit session set-up p99 (connect .. 235), ms", False),
                               ("msg_p99_ms", "legit per message p99, ms", False)]:
        pf, pn = med("postfix", "legit", key), med("postern", "legit", key)
        out.append("| %s | %s | %s | %s |" % (label, fmt(pf), fmt(pn), ratio(pn, pf, higher)))
    cells = []
    for s in SERVERS:
        ok = sum((l or {}).get("sessions", 0) for l, _ in runs[s])
        started = sum((l or {}).get("sessions", 0) + (l or {}).get("sessions_failed", 0)
                      for l, _ in runs[s])
        accepted = sum((l or {}).get("accepted", 0) for l, _ in runs[s])
        cells.append("%d / %d (%d messages accepted)" % (ok, started, accepted))
    out.append("| legit sessions authenticated / started, all runs | %s | %s | |" % tuple(cells))
    for key, label in [("auth_per_s", "attacker AUTH attempts/s achieved (target %s)"
                        % (float(env.get("t4_rate", 0) or 0) * float(env.get("t4_auths_per_conn", 1) or 1))),
                       ("sessions_started_per_s", "attacker sessions started/s"),
                       ("auth_p50_ms", "attacker reply time p50, ms"),
                       ("auth_p99_ms", "attacker reply time p99, ms")]:
        pf, pn = med("postfix", "attack", key), med("postern", "attack", key)
        out.append("| %s | %s | %s | |" % (label, fmt(pf), fmt(pn)))
    out.append("")
    out.append("Attacker's replies, every run (code: count; `greeting 421` = refused at connect; "
               "`unexpected` = anything else, including timeouts):\n")
    for s in SERVERS:
        cells = []
        for l, a in runs[s]:
            if not a:
                cells.append("no result")
                continue
            mix = ", ".join("%s: %d" % kv for kv in sorted(a.get("auth_replies", {}).items()))
            unexpected = (a.get("messages", 0) or 0) - (a.get("auth_expected", 0) or 0)
            cells.append("%s%s" % (mix or "none", ", unexpected: %d" % unexpected if unexpected else ""))
        out.append("- %s: %s" % (s, "; ".join(cells) or "no run"))
    out.append("")
    errors = []
    for s in SERVERS:
        for i, (l, a) in enumerate(runs[s], 1):
            log = os.path.join(d, "T4-%s-%d.log" % (s, i))
            try:
                with open(log) as f:
                    for line in f:
                        if line.startswith("error x"):
                            errors.append("- %s run %d, legit: `%s`" % (s, i, line.strip()))
            except OSError:
                pass
    for s in SERVERS:
        for i, (l, a) in enumerate(runs[s], 1):
            log = os.path.join(d, "T4attack-%s-%d.log" % (s, i))
            try:
                with open(log) as f:
                    lines = [x.strip() for x in f if x.startswith("error x")]
                errors.extend("- %s run %d, attacker: `%s`" % (s, i, x) for x in lines[:3])
            except OSError:
                pass
    if errors:
        out.append("Errors (the legitimate client's, then the attacker's):\n")
        out.extend(errors[:12])
        out.append("")
    v = t4_verdict(d)
    if v:
        out.append("Target (issue 6): the legitimate user's AUTH p99 under %.0f ms (and every "
                   "legitimate session authenticated): **%s** (%s; p99 / limit: %s).\n"
                   % (T4_P99_TARGET_MS, v["verdict"], v["measured"], v["ratio"]))
    return "\n".join(out)


def curve_cases(d):
    cases = set()
    for path in glob.glob(os.path.join(d, "curve-*-*-*.json")):
        name = os.path.basename(path)
        for s in SERVERS:
            i = name.find("-%s-" % s)
            if i > 0:
                cases.add(name[:i])
    return sorted(cases, key=lambda c: (c.split("-")[1], int(c.split("-")[2])))


def human_size(n):
    if n >= 1 << 20:
        return "%g MiB" % (n / float(1 << 20))
    if n >= 1 << 10:
        return "%g KiB" % (n / 1024.0)
    return "%d B" % n


def gnuplot(script, cwd):
    if not shutil.which("gnuplot"):
        return "gnuplot is not installed (Debian: gnuplot-nox)"
    for terminal in ("pngcairo size 800,480 font ',10'", "png size 800,480"):
        r = subprocess.run(["gnuplot"], input="set terminal %s\n%s" % (terminal, script),
                           capture_output=True, text=True, cwd=cwd)
        if r.returncode == 0:
            return None
    return "gnuplot failed: " + r.stderr.strip()[-300:]


def curves_section(d, env, png_dir):
    cases = curve_cases(d)
    out = ["## Scaling curves\n"]
    if not cases:
        out.append("Not run.\n")
        return "\n".join(out)
    out.append(
        "T1-style: persistent connections, STARTTLS + AUTH PLAIN, PIPELINING, 1 recipient; "
        "each connection sends its messages one after the other (closed loop). Median of %s "
        "run(s) per point, interleaved Postfix/Postern. Messages per connection shrink as "
        "connections or sizes grow (the exact commands are at the end). For these points "
        "Postfix is driven through a second smtpd listener whose process limit is %s (the "
        "default, `default_process_limit = %s`, is one smtpd process per connection and would "
        "leave 900 of the 1000 connections waiting), and both servers have a message size "
        "limit of %s bytes (Postfix's default 10240000 is below 10 MiB).\n"
        % (env.get("curve_runs", "?"), env.get("postfix_curve_maxproc", "?"),
           env.get("postfix_process_limit", "?"), env.get("postfix_message_size_limit", "?")))

    def point(case):
        runs = {s: load_runs(d, case, s) for s in SERVERS}
        row = {}
        for s in SERVERS:
            row[s] = {k: median(runs[s], k) for k in ("e2e_msgs_per_s", "msgs_per_s", "msg_p99_ms",
                                                      "setup_p99_ms")}
            row[s]["failed"] = sum(r.get("failed", 0) for r in runs[s])
            row[s]["total"] = sum(r.get("messages", 0) for r in runs[s])
            row[s]["cmd_args"] = runs[s][0] if runs[s] else {}
        return row

    for kind, title, xlabel, file in (("conn", "messages/s against concurrent connections (4 KiB)",
                                       "connections", "curve-connections.png"),
                                      ("size", "messages/s against message size (%s connections)"
                                       % env.get("curve_size_connections", "10"),
                                       "message size", "curve-size.png")):
        pts = []
        for case in cases:
            if case.split("-")[1] == kind:
                pts.append((int(case.split("-")[2]), case, point(case)))
        if kind == "size":  # the 4 KiB point of the connections curve, when it has the same concurrency
            for case in cases:
                if case == "curve-conn-%s" % env.get("curve_size_connections", "10"):
                    pts.append((4096, case, point(case)))
            pts.sort()
        if not pts:
            continue
        out.append("### %s%s\n" % (title[0].upper(), title[1:]))
        label = "connections" if kind == "conn" else "size"
        head = "| %s | messages | Postfix end to end | Postern end to end | Postern / Postfix | " \
               "Postfix accepted | Postern accepted |" % label
        if kind == "size":
            head += " Postfix MiB/s | Postern MiB/s |"
        out.append(head)
        out.append("|---" + "|---:" * (head.count("|") - 2) + "|")
        rows = []
        for x, case, row in pts:
            pf, pn = row["postfix"], row["postern"]
            msgs = pf["cmd_args"].get("messages") or pn["cmd_args"].get("messages") or 0
            conns = pf["cmd_args"].get("connections") or pn["cmd_args"].get("connections") or 0
            per = pf["cmd_args"].get("per_conn") or pn["cmd_args"].get("per_conn") or 0
            xs = str(x) if kind == "conn" else human_size(x) + (" (from the connections curve)"
                                                                if case.startswith("curve-conn") else "")
            line = "| %s | %d (%d × %d) | %s | %s | %s | %s | %s |" % (
                xs, msgs, conns, per, fmt(pf["e2e_msgs_per_s"]), fmt(pn["e2e_msgs_per_s"]),
                ratio(pn["e2e_msgs_per_s"], pf["e2e_msgs_per_s"], True),
                fmt(pf["msgs_per_s"]), fmt(pn["msgs_per_s"]))
            if kind == "size":
                mib = lambda v: None if v is None else v * x / float(1 << 20)
                line += " %s | %s |" % (fmt(mib(pf["e2e_msgs_per_s"])), fmt(mib(pn["e2e_msgs_per_s"])))
            out.append(line)
            for s in SERVERS:
                if row[s]["failed"]:
                    out.append("| ↳ failed, %s | %d of %d | | | | | |" % (s, row[s]["failed"], row[s]["total"])
                               + (" | |" if kind == "size" else ""))
            rows.append((x, pf["e2e_msgs_per_s"], pn["e2e_msgs_per_s"]))
        out.append("")
        data = os.path.join(d, "curve-%s.dat" % kind)
        with open(data, "w") as f:
            f.write("# x postfix_e2e postern_e2e\n")
            for x, a, b in rows:
                f.write("%d %s %s\n" % (x, "?" if a is None else a, "?" if b is None else b))
        png = os.path.join(png_dir, file)
        xtics = ""
        if kind == "size":
            xtics = "set xtics (%s)\n" % ", ".join('"%s" %d' % (human_size(x), x) for x, _, _ in rows)
        script = (
            "set output '%s'\n"
            "set title 'Postern vs Postfix: %s (end to end, same run)'\n"
            "set xlabel '%s'\nset ylabel 'messages/s (end to end)'\n"
            "set logscale x\n%s%s"
            "set key top right\nset grid\nset datafile missing '?'\nset offsets graph 0.03, graph 0.03, 0, 0\n"
            "plot '%s' using 1:2 with linespoints lw 2 pt 7 title 'Postfix %s', "
            "'%s' using 1:3 with linespoints lw 2 pt 5 title 'Postern'\n"
            % (png, title, xlabel, "set logscale y\n" if kind == "size" else "set yrange [0:*]\n",
               xtics, data, env.get("postfix", ""), data))
        problem = gnuplot(script, d)
        if problem and os.path.exists(png) and os.path.getsize(png) == 0:
            os.remove(png)
        if problem:
            out.append("(No plot: %s.)\n" % problem)
        else:
            out.append("![%s](%s)\n" % (title, file))  # beside RESULTS.md
    return "\n".join(out)


def profile_section(d, env):
    p = load_json(os.path.join(d, "profile", "profile.json"))
    out = ["## Profiling and the machine's ceiling\n"]
    if not p:
        out.append("Not run (`bench/profile.sh`).\n")
        return "\n".join(out)
    if p.get("quick"):
        out.append("*(profile.sh --quick: small loads, 1-second ceilings.)*\n")
    out.append("By `bench/profile.sh`, in the same run, on its own Postern instances (same binary, "
               "same sink, same certificate, Postfix stopped).\n")
    out.append("| figure | value |\n|---|---:|")
    t1 = p.get("t1") or {}
    if p.get("instructions_per_msg"):
        out.append("| instructions per accepted message (%s) | %s |"
                   % (p.get("instructions_source", "?"), "{:,}".format(p["instructions_per_msg"])))
    if p.get("perf_instructions"):
        out.append("| `perf stat -e instructions` | %s |" % p["perf_instructions"])
    cg = p.get("callgrind")
    if cg:
        out.append("| callgrind run: messages, instructions (user space; acceptance + delivery; after "
                   "a warm-up) | %d (%d connections), %s |"
                   % (cg["accepted"], cg.get("connections") or 0, "{:,}".format(cg["instructions"])))
    if p.get("cpu_ms_per_msg") is not None:
        out.append("| Postern CPU time per message, T1 (%d × %d, native; user + system) | %.3f ms |"
                   % (t1.get("connections") or 0, t1.get("per_conn") or 0, p["cpu_ms_per_msg"]))
        cores = int(env.get("nproc", "0") or 0)
        if cores and p["cpu_ms_per_msg"] > 0:
            out.append("| → CPU ceiling if Postern had all %d cores: %d × 1000 / CPU ms | %.0f msg/s |"
                       % (cores, cores, cores * 1000.0 / p["cpu_ms_per_msg"]))
    if t1.get("e2e_msgs_per_s"):
        out.append("| that T1 run, end to end | %.1f msg/s |" % t1["e2e_msgs_per_s"])
    if p.get("perf_kernel_share") is not None:
        out.append("| share of Postern's CPU samples in the kernel (perf, cpu-clock) | %.1f %% |"
                   % p["perf_kernel_share"])
    out.append("")
    top = (cg or {}).get("top") or []
    if top:
        out.append("Top five functions by own instructions (callgrind, T1 under valgrind):\n")
        out.append("| # | function | object | share of instructions |\n|---:|---|---|---:|")
        for i, h in enumerate(top, 1):
            fn = h["function"].replace("|", "\\|")
            if len(fn) > 110:
                fn = fn[:107] + "..."
            out.append("| %d | `%s` | %s | %.1f %% |" % (i, fn, h["object"], h["share"]))
        out.append("")
    hot = p.get("perf_top") or []
    if hot:
        out.append("Top five symbols by CPU samples (`perf record -e cpu-clock`, native T1, kernel "
                   "included; in a VM without PMU, kernel time is often charged to the point where "
                   "interrupts are re-enabled, e.g. `pvm_irq_enable`):\n")
        out.append("| # | symbol | object | share of samples |\n|---:|---|---|---:|")
        for i, h in enumerate(hot, 1):
            fn = h["function"].replace("|", "\\|")
            if len(fn) > 110:
                fn = fn[:107] + "..."
            out.append("| %d | `%s` | %s | %.1f %% |" % (i, fn, h["object"], h["share"]))
        dsos = p.get("perf_dso_share") or {}
        if dsos:
            out.append("\nSamples by object: " + ", ".join(
                "%s %.1f %%" % (k, v) for k, v in sorted(dsos.items(), key=lambda kv: -kv[1])[:8]) + ".")
        out.append("")

    out.append("### Physical ceiling of this machine\n")
    out.append("| ceiling | value | Postern in this run | how close |\n|---|---:|---:|---:|")
    fs = p.get("fsync") or {}
    t1r, pf1, pn1 = t1_t2_ratio(d, "T1")
    results = fs.get("results", [])
    most = max((r["threads"] for r in results), default=0)
    for r in results:
        close = ""
        if pn1 and r.get("ops_per_s") and r["threads"] == most:
            close = "%.0f %%" % (100.0 * pn1 / r["ops_per_s"])
        out.append("| durable 4 KiB creates/s on the spool's %s (%s), %d writer(s) | %.0f/s | %s | %s |"
                   % (fs.get("fs", "?"), fs.get("operation", "?"), r["threads"], r["ops_per_s"],
                      "T1 %.0f msg/s" % pn1 if pn1 and r["threads"] == most else "", close))
    tls = p.get("tls") or {}
    t2runs = load_runs(d, "T2", "postern")
    t2 = median(t2runs, "sessions_per_s") if t2runs else None
    if tls.get("ecdsap256_sign_per_s"):
        out.append("| ECDSA P-256 signatures/s, one core (`openssl speed`) | %.0f/s | | |"
                   % tls["ecdsap256_sign_per_s"])
    if tls.get("x25519_per_s"):
        out.append("| X25519 operations/s, one core | %.0f/s | | |" % tls["x25519_per_s"])
    if tls.get("handshake_crypto_per_core"):
        close = "%.0f %%" % (100.0 * t2 / tls["handshake_crypto_per_core"]) if t2 else ""
        out.append("| → TLS 1.3 handshakes/s per core, server-side public-key crypto only (1 sign + 2 X25519) "
                   "| %.0f/s | %s | %s |" % (tls["handshake_crypto_per_core"],
                                           "T2 %.0f sessions/s" % t2 if t2 else "", close))
    if tls.get("s_time_handshakes_per_s"):
        close = "%.0f %%" % (100.0 * t2 / tls["s_time_handshakes_per_s"]) if t2 else ""
        out.append("| full TLS 1.3 handshakes/s, single-threaded `openssl s_server`, 4 `s_time -new` "
                   "clients on the same cores | %.0f/s | %s | %s |"
                   % (tls["s_time_handshakes_per_s"], "T2 %.0f sessions/s" % t2 if t2 else "", close))
    out.append("")
    out.append("Group commit lets one directory fsync cover many messages, but every message still "
               "needs its own file fsync, so the many-writer rate is the durable-acceptance ceiling "
               "of this disk; T2 sessions also carry AUTH and a message, so the TLS figures bound "
               "them from above only.\n")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results_dir")
    ap.add_argument("--png-dir", default=None)
    a = ap.parse_args()
    d = os.path.abspath(a.results_dir)
    png_dir = os.path.abspath(a.png_dir or d)
    os.makedirs(png_dir, exist_ok=True)
    env = read_env(d)
    out = []
    w = out.append
    w("# Postern vs Postfix: benchmark results\n")
    if env.get("quick") == "1":
        w("**QUICK RUN (`--quick`): one small run per case; a smoke test of the harness, "
          "not a result.**\n")
    w("Generated by `bench/compare.sh` on %s. Every figure is the median of %s run(s), runs "
      "interleaved Postfix/Postern. The machine is shared and noisy: **only the ratios of one "
      "run of compare.sh mean anything**; never compare an absolute figure with another run's.\n"
      % (env.get("date", "?"), env.get("runs", "?")))

    delivery = {}
    for case in CASES:
        for server in SERVERS:
            runs = load_runs(d, case, server)
            delivery[(case, server)] = bool(runs) and all(r.get("all_delivered") for r in runs)
    if not all(delivery[(c, "postern")] for c in CASES):
        w("> **Postern did not deliver to the sink in this run** (its delivery scheduler had not "
          "landed yet, or delivery stalled): the Postern *end to end* figures are n/a, and the "
          "only Postern figures are **acceptance-only** (the client received `250` after the "
          "message was fsynced to the spool). Postfix's acceptance figure is shown beside it "
          "for a like-for-like acceptance ratio, but the issue's targets are end to end.\n")

    w(targets_summary(d))

    w("## Machine and versions\n")
    w("| | |\n|---|---|")
    for key, label in [("cpu", "CPU"), ("nproc", "cores (nproc)"), ("ram", "RAM"),
                       ("kernel", "kernel"), ("os", "OS"), ("fs", "filesystem of the spools"),
                       ("postfix", "Postfix"), ("cyrus_sasl", "Cyrus SASL"),
                       ("postern", "Postern commit (HEAD; the binary may include uncommitted work)"),
                       ("postern_binary", "Postern binary measured"), ("openssl", "OpenSSL")]:
        w("| %s | %s |" % (label, env.get(key, "?")))
    w("")

    for case, title in CASES.items():
        w("## %s: %s\n" % (case, title))
        runs = {s: load_runs(d, case, s) for s in SERVERS}
        w("| metric | Postfix | Postern | Postern / Postfix |\n|---|---:|---:|---:|")
        for key, label, higher in METRICS:
            pf, pn = median(runs["postfix"], key), median(runs["postern"], key)
            w("| %s | %s | %s | %s |" % (label, fmt(pf), fmt(pn), ratio(pn, pf, higher)))
        for s in SERVERS:
            failed = sum(r.get("failed", 0) for r in runs[s])
            total = sum(r.get("messages", 0) for r in runs[s])
            if failed:
                w("| failed messages, %s | %d of %d | | |" % (s, failed, total))
        target = TARGETS[case]
        pf, pn = median(runs["postfix"], "e2e_msgs_per_s"), median(runs["postern"], "e2e_msgs_per_s")
        if pf and pn:
            verdict = "met" if pn / pf >= target else "missed"
            w("\nTarget (issue 6): Postern ≥ %.0f× Postfix end to end: **%s** (%.2f×).\n"
              % (target, verdict, pn / pf))
        else:
            apf, apn = median(runs["postfix"], "msgs_per_s"), median(runs["postern"], "msgs_per_s")
            acc = " Acceptance-only ratio: %.2f×." % (apn / apf) if apf and apn else ""
            w("\nTarget (issue 6): Postern ≥ %.0f× Postfix end to end: **not measurable in this run** "
              "(no end-to-end figure for %s).%s\n"
              % (target, " and ".join(s for s in SERVERS if not delivery[(case, s)]), acc))
        w("Runs (accepted msg/s | end-to-end msg/s):\n")
        for s in SERVERS:
            cells = ["%s | %s" % (fmt(r.get("msgs_per_s")), fmt(r.get("e2e_msgs_per_s"))) for r in runs[s]]
            w("- %s: %s" % (s, "; ".join(cells) or "no run"))
        w("")

    t3 = load_runs(d, "T3", "postern")
    w("## T3: idle authenticated TLS sessions held by one Postern process\n")
    if t3:
        r = t3[0]
        before, holding = r.get("server_rss_before_kb"), r.get("server_rss_holding_kb")
        est = r.get("idle_established", 0)
        per = ((holding - before) / est) if before and holding and est else None
        w("| requested | established | answered NOOP after the hold | Postern RSS before | "
          "RSS while holding | per session |\n|---:|---:|---:|---:|---:|---:|")
        w("| %d | %d | %d | %s MiB | %s MiB | %s KiB |" % (
            r.get("idle_requested", 0), est, r.get("idle_alive", 0),
            fmt(before / 1024 if before else None), fmt(holding / 1024 if holding else None),
            fmt(per)))
        w("\nTarget (issue 6): 10,000 sessions under 300 MB RSS. Postfix is not driven here: it "
          "holds one smtpd process per session, at most `default_process_limit` = 100 by "
          "default.\n")
    else:
        w("Not run.\n")

    w(t4_section(d, env))
    w(curves_section(d, env, png_dir))
    w(profile_section(d, env))

    w("## How this was measured\n")
    w("- Both servers listen on loopback with the same self-signed ECDSA P-256 certificate, "
      "require STARTTLS before AUTH (`smtpd_tls_auth_only=yes` for Postfix), authenticate "
      "PLAIN against their own store (Cyrus SASL sasldb for Postfix, Postern's SQLite store "
      "with Argon2id and its verified-credential cache) and relay everything to the same "
      "`smtp-sink` (`[127.0.0.1]:port` relayhost for Postfix, `[[delivery.route]] domain=\"*\" "
      "tls=\"none\"` for Postern). Both keep their default durability (fsync before `250`).")
    w("- Postfix %s runs from its own config directory (`postfix -c DIR start`) with the stock "
      "Debian services, without chroot, logging to a file (`maillog_file`); Postern logs its "
      "JSON lines to a file." % env.get("postfix", "?"))
    w("- *Acceptance*: messages the client saw accepted, divided by the load's wall time. "
      "*End to end*: the same messages divided by the time from the start of the load until "
      "smtp-sink had counted every one of them.")
    w("- smtpload runs on the same machine and shares its %s cores with the server under "
      "test and the sink." % env.get("nproc", "?"))
    w("\nCommands (ports are chosen per run):\n")
    w("```sh\nbench/compare.sh            # this whole report")
    cases = list(CASES) + ["T3", "T4attack", "T4"] + curve_cases(d)
    for case in cases:
        for s in SERVERS:
            cmd = read_cmd(d, case, s)
            if cmd != "(not run)":
                label = {"T4attack": "T4 attacker (started first)",
                         "T4": "T4 legitimate user (1 s later)"}.get(case, case)
                w("# %s, %s\n%s" % (label, s, cmd))
    for name, label in (("t1.cmd", "profile.sh T1 (perf; PORT is its own Postern)"),
                        ("callgrind.cmd", "profile.sh T1 under callgrind")):
        try:
            with open(os.path.join(d, "profile", name)) as f:
                w("# %s\n%s" % (label, f.read().strip()))
        except OSError:
            pass
    w("bench/profile.sh            # profiling and ceilings alone (compare.sh runs it at the end)")
    w("```")
    print("\n".join(out))


if __name__ == "__main__":
    main()
