#!/usr/bin/python3
"""Self cost per function from a callgrind dump, for bench/profile.sh.

    callgrind_top.py DUMP [--top N]

Prints one JSON object: {"total": Ir of the dump, "top": [{"function", "object", "ir",
"share"}, ...]}, the N functions with the most instructions of their own (callees excluded).

Why not callgrind_annotate: profile.sh zeroes the counters (`callgrind_control -z`) while the
server runs, and a call that began before the zero is written as "calls=0" with the inclusive
cost of everything since; callgrind_annotate then shows thread entry points (clone,
start_thread, io_context::run) as the hottest functions. Here a cost line that follows a
"calls=" line is a call's inclusive cost and is never counted as the caller's own.
Standard library only.
"""
import argparse
import json
import re

NAMED = re.compile(r"^\((\d+)\)(?: (.*))?$")


def resolve(table, value):
    """Callgrind name compression: "(id) name" defines, "(id)" refers."""
    m = NAMED.match(value)
    if not m:
        return value
    if m.group(2) is not None:
        table[m.group(1)] = m.group(2)
        return m.group(2)
    return table.get(m.group(1), value)


def parse(path):
    names, objects = {}, {}
    self_cost = {}
    total = None
    fn, ob = "?", "?"
    call_cost_next = False
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            c = line[0]
            if c.isdigit() or c in "+-*":
                if call_cost_next:
                    call_cost_next = False  # a call's inclusive cost, not self
                    continue
                parts = line.split()
                if len(parts) >= 2:
                    key = (fn, ob)
                    self_cost[key] = self_cost.get(key, 0) + int(parts[-1])
                continue
            key, _, value = line.partition("=")
            if key == "fn":
                fn = resolve(names, value)
            elif key == "ob":
                ob = resolve(objects, value)
            elif key in ("cfn", "cfi", "cfl"):
                if key == "cfn":
                    resolve(names, value)  # may define a name used later
            elif key == "cob":
                resolve(objects, value)
            elif key == "calls":
                call_cost_next = True
            elif line.startswith("totals:") or line.startswith("summary:"):
                total = int(line.split()[1]) if total is None or line.startswith("totals:") else total
    return total, self_cost


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dump")
    ap.add_argument("--top", type=int, default=5)
    a = ap.parse_args()
    total, costs = parse(a.dump)
    counted = sum(costs.values())
    total = total or counted
    top = sorted(costs.items(), key=lambda kv: kv[1], reverse=True)[:a.top]
    print(json.dumps({"total": total, "top": [
        {"function": fn, "object": ob.rsplit("/", 1)[-1], "ir": ir,
         "share": round(100.0 * ir / total, 2) if total else 0}
        for (fn, ob), ir in top]}))


if __name__ == "__main__":
    main()
