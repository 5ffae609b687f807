#!/usr/bin/env bash
# bench/profile.sh [--quick]: where Postern's time goes on a T1 load, and the physical ceiling
# of this machine. compare.sh runs it at the end (its output goes into RESULTS.md); it also
# runs alone.
#
#   1. Ceilings: the spool filesystem's rate of durable 4 KiB creates (write + fsync + rename +
#      fsync of the directory; 1 and 16 writers: bench/fsync_rate.py), and TLS per core
#      (`openssl speed` ECDSA P-256 sign/verify and X25519, and full TLS 1.3 handshakes/s
#      against a single-threaded `openssl s_server`, 4 `s_time -new` clients).
#   2. A native Postern under a T1 load (20 connections x 50 messages, STARTTLS + AUTH PLAIN,
#      PIPELINING, 4 KiB, waited until the sink has them all): `perf stat -e
#      instructions,task-clock` on its PID gives instructions and CPU ms per accepted message,
#      then `perf record -e cpu-clock` the top five hot spots (kernel included).
#   3. When the VM has no hardware counters (perf says "<not supported>" for instructions) or
#      PROFILE_CALLGRIND=1: the same load, smaller (10 x 20 messages), on a Postern under
#      `valgrind --tool=callgrind`; counters are zeroed after a warm-up and dumped once the sink
#      has every message, so instructions / message covers acceptance and delivery (user
#      space only), and bench/callgrind_top.py lists the top five functions by own cost.
#
# Writes $OUT/profile.json (read by report.py) and the raw files beside it.
#   --quick   smaller loads and shorter ceilings (a smoke test of the script)
#   env: POSTERN_BIN, SMTPLOAD_BIN, PROFILE_DIR (work dir; default /tmp/postern-profile; put it
#        on the spool's filesystem), OUT (default $PROFILE_DIR/out), SINK_PORT and SINK_LOG (an
#        `smtp-sink -c` already running; otherwise one is started), CERT and KEY (PEM; else
#        an ECDSA P-256 pair is made), PROFILE_CALLGRIND=1 (callgrind even with counters)
# Run as root (perf on another process; smtp-sink -u nobody). Stops what it started on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
PD=${PROFILE_DIR:-/tmp/postern-profile}
OUT=${OUT:-$PD/out}
QUICK=0
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "usage: $0 [--quick]" >&2; exit 2 ;;
  esac
done
log() { printf '[profile %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

POSTERN=${POSTERN_BIN:-$ROOT/build/postern}
SMTPLOAD=${SMTPLOAD_BIN:-}
if [ -z "$SMTPLOAD" ]; then
  for c in "$ROOT/build/bench/smtpload" "$ROOT/build-bench/smtpload"; do
    [ -x "$c" ] && { SMTPLOAD=$c; break; }
  done
fi
[ -x "$POSTERN" ] || die "no postern binary at $POSTERN (make build)"
[ -x "${SMTPLOAD:-}" ] || die "no smtpload binary (make bench)"
PASSWORD='bench-password-1'
USER_NAME=loader
DOMAIN=bench.test

PIDS=()  # what this script started, stopped on exit by PID
cleanup() {
  local p
  for p in "${PIDS[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$PD/native" "$PD/callgrind" "$PD/fsync" "$OUT"
mkdir -p "$PD" "$OUT"

if [ -z "${CERT:-}" ] || [ -z "${KEY:-}" ]; then
  CERT=$PD/cert.pem KEY=$PD/key.pem
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
    -subj "/CN=relay.$DOMAIN" -keyout "$KEY" -out "$CERT" 2>/dev/null
fi

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
wait_port() {
  for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

if [ -z "${SINK_PORT:-}" ]; then
  SINK_PORT=$(free_port)
  SINK_LOG=$PD/sink.out
  smtp-sink -c -u nobody "127.0.0.1:$SINK_PORT" 1024 >"$SINK_LOG" 2>"$PD/sink.err" &
  PIDS+=($!)
  wait_port "$SINK_PORT" || die "smtp-sink did not listen"
fi
[ -n "${SINK_LOG:-}" ] || die "SINK_PORT needs SINK_LOG (the sink's -c output)"

# --- 1. ceilings --------------------------------------------------------------------------
SECONDS_EACH=3; [ "$QUICK" = 1 ] && SECONDS_EACH=1
log "fsync ceiling on $(df -T "$PD" | awk 'NR==2 {print $2}') ($PD)"
/usr/bin/python3 "$BENCH/fsync_rate.py" "$PD/fsync" --seconds "$SECONDS_EACH" --threads 1 16 \
  >"$OUT/fsync.json" || log "fsync measurement failed"
rm -rf "$PD/fsync"

log "TLS ceiling: openssl speed"
openssl speed -seconds "$SECONDS_EACH" -mr ecdsap256 ecdhx25519 2>/dev/null >"$OUT/openssl-speed.txt" ||
  log "openssl speed failed"
SS_PORT=$(free_port)
openssl s_server -accept "127.0.0.1:$SS_PORT" -cert "$CERT" -key "$KEY" -quiet -no_ticket \
  >/dev/null 2>&1 &
SS_PID=$!
PIDS+=("$SS_PID")
if wait_port "$SS_PORT"; then
  log "TLS ceiling: 4 x openssl s_time -new against one s_server"
  CLIENTS=()
  for i in 1 2 3 4; do
    timeout $((SECONDS_EACH + 30)) openssl s_time -connect "127.0.0.1:$SS_PORT" -new \
      -time "$SECONDS_EACH" >"$OUT/s_time-$i.txt" 2>&1 &
    CLIENTS+=($!)
  done
  for p in "${CLIENTS[@]}"; do wait "$p" || true; done
fi
kill "$SS_PID" 2>/dev/null || true

# --- 2. a native Postern under T1 -----------------------------------------------------------
write_config() {  # write_config DIR
  mkdir -p "$1/var"
  cat >"$1/postern.toml" <<EOF
# Generated by bench/profile.sh.
hostname = "relay.$DOMAIN"
data_dir = "$1/var"
[store]
url = "sqlite:$1/var/postern.db"
[[listener]]
address = "127.0.0.1:0"
tls = "starttls"
[tls]
cert = "$CERT"
key = "$KEY"
[http]
address = "127.0.0.1:0"
[limits]
max_connections_per_ip = 0
[[delivery.route]]
domain = "*"
to = "127.0.0.1:$SINK_PORT"
tls = "none"
EOF
  "$POSTERN" -c "$1/postern.toml" account add bench >/dev/null
  echo "$PASSWORD" | "$POSTERN" -c "$1/postern.toml" user add bench "$USER_NAME" --password-stdin \
    --domain "$DOMAIN" >/dev/null
}

SERVER_PID='' SERVER_PORT=''
start_server() {  # start_server DIR WAIT-SECONDS [wrapper...]: Postern (under the wrapper, if any)
  local dir=$1 wait=$2; shift 2
  "$@" "$POSTERN" -c "$dir/postern.toml" serve >"$dir/serve.log" 2>"$dir/serve.err" &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  SERVER_PORT=
  for _ in $(seq $((wait * 10))); do
    SERVER_PORT=$(sed -n 's/^listening smtp 127\.0\.0\.1:\([0-9]*\) tls=starttls.*/\1/p' "$dir/serve.log" | head -1)
    [ -n "$SERVER_PORT" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || die "postern exited: $(tail -3 "$dir/serve.err" "$dir/serve.log")"
    sleep 0.1
  done
  die "postern did not listen within $wait s"
}
stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 300); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$SERVER_PID" 2>/dev/null || true
}

LOAD=(--starttls --auth PLAIN --user "$USER_NAME" --password "$PASSWORD" --size 4096 --rcpts 1
      --from "$USER_NAME@$DOMAIN" --to-domain example.net --pipelining)
if [ "$QUICK" = 1 ]; then
  T1=(--connections 20 --messages 200 --per-conn 10); CG=(--connections 5 --messages 50 --per-conn 10)
else
  T1=(--connections 20 --messages 1000 --per-conn 50); CG=(--connections 10 --messages 200 --per-conn 20)
fi
load() {  # load NAME TIMEOUT ARGS...: one T1-style run, waited until the sink has it all
  local name=$1 timeout=$2; shift 2
  /usr/bin/python3 "$BENCH/runcase.py" --sink-log "$SINK_LOG" --settle 30 --max-wait 900 \
    --log "$OUT/$name.log" -- "$SMTPLOAD" --port "$SERVER_PORT" "${LOAD[@]}" --timeout "$timeout" \
    --max-time 900 "$@" >"$OUT/$name.json"
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

write_config "$PD/native"
start_server "$PD/native" 30
log "native postern pid $SERVER_PID on $SERVER_PORT; warm-up"
load warmup 30 --connections 20 --messages 100 --per-conn 5
printf '%s\n' "$SMTPLOAD --port PORT ${LOAD[*]} --timeout 30 --max-time 900 ${T1[*]}" >"$OUT/t1.cmd"
HAVE_PERF=0
if command -v perf >/dev/null && perf stat -e task-clock true >/dev/null 2>&1; then HAVE_PERF=1; fi
TICKS_BEFORE=$(cpu_ticks "$SERVER_PID")
if [ "$HAVE_PERF" = 1 ]; then
  log "T1 under perf stat -e instructions,task-clock"
  perf stat -e instructions,task-clock -x, -o "$OUT/perf-stat.csv" -p "$SERVER_PID" -- \
    /usr/bin/python3 "$BENCH/runcase.py" --sink-log "$SINK_LOG" --settle 30 --max-wait 900 \
    --log "$OUT/t1-stat.log" -- "$SMTPLOAD" --port "$SERVER_PORT" "${LOAD[@]}" --timeout 30 \
    --max-time 900 "${T1[@]}" >"$OUT/t1-stat.json" || log "perf stat failed"
else
  log "T1 (no perf: CPU time from /proc only)"
  load t1-stat 30 "${T1[@]}"
fi
TICKS_AFTER=$(cpu_ticks "$SERVER_PID")
echo "$((TICKS_AFTER - TICKS_BEFORE)) $(getconf CLK_TCK)" >"$OUT/t1-cpu-ticks.txt"
if [ "$HAVE_PERF" = 1 ]; then
  log "T1 under perf record -e cpu-clock"
  perf record -q -F 999 -e cpu-clock -p "$SERVER_PID" -o "$OUT/perf.data" -- \
    /usr/bin/python3 "$BENCH/runcase.py" --sink-log "$SINK_LOG" --settle 30 --max-wait 900 \
    --log "$OUT/t1-record.log" -- "$SMTPLOAD" --port "$SERVER_PORT" "${LOAD[@]}" --timeout 30 \
    --max-time 900 "${T1[@]}" >"$OUT/t1-record.json" 2>"$OUT/perf-record.err" || log "perf record failed"
  perf report -i "$OUT/perf.data" --stdio --no-children --sort dso,symbol --percent-limit 0.3 \
    2>/dev/null >"$OUT/perf-report.txt" || log "perf report failed"
  perf report -i "$OUT/perf.data" --stdio --no-children --sort dso 2>/dev/null \
    >"$OUT/perf-dso.txt" || true
fi
stop_server

# --- 3. callgrind, when there are no hardware counters ------------------------------------
NEED_CALLGRIND=${PROFILE_CALLGRIND:-0}
if ! grep -q '^[0-9][0-9]*,,instructions' "$OUT/perf-stat.csv" 2>/dev/null; then NEED_CALLGRIND=1; fi
if [ "$NEED_CALLGRIND" = 1 ] && command -v valgrind >/dev/null && command -v callgrind_control >/dev/null; then
  write_config "$PD/callgrind"
  log "postern under valgrind --tool=callgrind (start-up takes a while)"
  start_server "$PD/callgrind" 300 valgrind --tool=callgrind --callgrind-out-file="$PD/callgrind/callgrind.out.%p"
  log "callgrind: warm-up (one Argon2id under valgrind)"
  load cg-warmup 300 --connections 1 --messages 2
  callgrind_control -z "$SERVER_PID" >/dev/null 2>&1 || die "callgrind_control -z failed"
  log "callgrind: ${CG[*]}"
  printf '%s\n' "$SMTPLOAD --port PORT ${LOAD[*]} --timeout 300 --max-time 900 ${CG[*]}" >"$OUT/callgrind.cmd"
  load callgrind 300 "${CG[@]}"
  callgrind_control -d "$SERVER_PID" >/dev/null 2>&1 || die "callgrind_control -d failed"
  DUMP=$(ls -t "$PD/callgrind/callgrind.out.$SERVER_PID".* 2>/dev/null | head -1)
  stop_server
  [ -n "$DUMP" ] || die "no callgrind dump"
  /usr/bin/python3 "$BENCH/callgrind_top.py" "$DUMP" --top 5 >"$OUT/callgrind-top.json"
  cp "$DUMP" "$OUT/callgrind.out"
fi

# --- the summary --------------------------------------------------------------------------
/usr/bin/python3 - "$OUT" "$QUICK" <<'EOF' >"$OUT/profile.json"
import glob, json, os, re, sys
out, quick = sys.argv[1], sys.argv[2] == "1"
def load(name):
    try:
        with open(os.path.join(out, name)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None
def text(name):
    try:
        with open(os.path.join(out, name)) as f:
            return f.read()
    except OSError:
        return ""
p = {"quick": quick, "fsync": load("fsync.json")}
tls = {}
for line in text("openssl-speed.txt").splitlines():
    f = line.split(":")
    if line.startswith("+F4:") and len(f) >= 5:  # ECDSA: sign/s, verify/s
        tls["ecdsap256_sign_per_s"], tls["ecdsap256_verify_per_s"] = float(f[3]), float(f[4])
    elif line.startswith("+F5:") and len(f) >= 4:  # ECDH: ops/s
        tls["x25519_per_s"] = float(f[3])
if tls.get("ecdsap256_sign_per_s") and tls.get("x25519_per_s"):
    # A full TLS 1.3 handshake costs the server one signature, one key generation and one
    # derivation (~2 X25519 operations); the rest of the handshake is not counted.
    tls["handshake_crypto_per_core"] = round(
        1 / (1 / tls["ecdsap256_sign_per_s"] + 2 / tls["x25519_per_s"]), 1)
conns, seconds = 0, None
for path in glob.glob(os.path.join(out, "s_time-*.txt")):
    with open(path) as f:
        s = f.read()
    m = re.search(r"(\d+) connections in [\d.]+s", s)
    if m:
        conns += int(m.group(1))
    t = re.search(r"Collecting connection statistics for (\d+) seconds", s)
    if t:
        seconds = int(t.group(1))
if conns and seconds:
    tls["s_time_handshakes_per_s"] = round(conns / seconds, 1)
p["tls"] = tls
t1 = load("t1-stat.json")
p["t1"] = t1 and {k: t1.get(k) for k in ("accepted", "messages", "msgs_per_s", "e2e_msgs_per_s",
                                         "all_delivered", "connections", "per_conn")}
acc = (t1 or {}).get("accepted") or 0
instr, task_ms = None, None
for line in text("perf-stat.csv").splitlines():
    f = line.split(",")
    if len(f) >= 3 and f[2].startswith("instructions") and f[0].replace(".", "").isdigit():
        instr = float(f[0])
    if len(f) >= 3 and f[2].startswith("task-clock") and f[0].replace(".", "").isdigit():
        task_ms = float(f[0])
if "<not supported>" in text("perf-stat.csv"):
    p["perf_instructions"] = "not supported in this VM"
ticks = text("t1-cpu-ticks.txt").split()
if acc:
    if instr is not None:
        p["instructions_per_msg"] = round(instr / acc)
        p["instructions_source"] = "perf stat -e instructions (user + kernel), T1"
    if task_ms is not None:
        p["cpu_ms_per_msg"] = round(task_ms / acc, 3)
    elif len(ticks) == 2:
        p["cpu_ms_per_msg"] = round(1000.0 * int(ticks[0]) / int(ticks[1]) / acc, 3)
cg, cgrun = load("callgrind-top.json"), load("callgrind.json")
if cg and cgrun and cgrun.get("accepted"):
    p["callgrind"] = {"instructions": cg["total"], "accepted": cgrun["accepted"],
                      "all_delivered": cgrun.get("all_delivered"),
                      "instructions_per_msg": round(cg["total"] / cgrun["accepted"]),
                      "top": cg["top"], "connections": cgrun.get("connections"),
                      "messages": cgrun.get("messages")}
    if "instructions_per_msg" not in p:
        p["instructions_per_msg"] = p["callgrind"]["instructions_per_msg"]
        p["instructions_source"] = "valgrind --tool=callgrind (user space only), smaller T1"
hot = []
for line in text("perf-report.txt").splitlines():
    m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[([.k])\]\s+(.*\S)", line)
    if m:
        hot.append({"share": float(m.group(1)), "object": m.group(2).rsplit("/", 1)[-1],
                    "kernel": m.group(3) == "k", "function": re.split(r"\s{2,}", m.group(4))[0]})
p["perf_top"] = hot[:5]
dsos = {}
for line in text("perf-dso.txt").splitlines():
    m = re.match(r"\s*([\d.]+)%\s+(\S+)", line)
    if m:
        dsos[m.group(2).rsplit("/", 1)[-1]] = float(m.group(1))
p["perf_dso_share"] = dsos
p["perf_kernel_share"] = round(sum(v for k, v in dsos.items() if k.startswith("[kernel")), 1) if dsos else None
rec = load("t1-record.json")
p["perf_record_accepted"] = rec and rec.get("accepted")
print(json.dumps(p))
EOF
log "wrote $OUT/profile.json"
