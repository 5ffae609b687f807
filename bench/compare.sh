#!/usr/bin/env bash
# bench/compare.sh [--quick]: Postern against Postfix doing the same job on this machine, in
# the same run, on loopback only. Both are authenticated submission relays (STARTTLS, AUTH
# PLAIN, the same ECDSA P-256 certificate) that relay to the same smtp-sink; smtpload offers
# identical loads to both, interleaved run by run, and bench/RESULTS.md gets the medians.
#
# Run as root (it installs postfix and Cyrus SASL, and starts Postfix with its own config
# directory under $BENCH_DIR). Idempotent: a previous run's processes are stopped first, and
# everything this script starts is stopped again on exit (Postfix with `postfix -c DIR stop`,
# the sink and Postern by PID). No system-wide Postfix is configured or started.
#
#   --quick     one small run of each case (a smoke test of the harness, not a result); writes
#               $BENCH_DIR/RESULTS-quick.md instead of bench/RESULTS.md
#   env: BENCH_DIR (default /tmp/postern-bench), POSTERN_BIN, SMTPLOAD_BIN, RESULTS (output
#        file, default bench/RESULTS.md; the curve PNGs go beside it), RUNS (default 3),
#        T3_SESSIONS (default 10000), CURVE_RUNS (default $RUNS), CURVE_CONNS ("1 10 100 1000"),
#        CURVE_SIZES ("1024 102400 10485760"), T4_SECONDS (20), T4_RATE (attacker sessions/s,
#        100), T4_AUTHS_PER_CONN (5; 100 x 5 = 500 bad AUTHs/s), T4_LEGIT_RATE (legitimate
#        sessions/s, 20), PROFILE (1; 0 skips bench/profile.sh)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
WORK=${BENCH_DIR:-/tmp/postern-bench}
RESULTS_SET=${RESULTS:-}
RESULTS=${RESULTS:-$BENCH/RESULTS.md}
RUNS=${RUNS:-3}
T3_SESSIONS=${T3_SESSIONS:-10000}
T3_HOLD=${T3_HOLD:-20}
CURVE_CONNS=${CURVE_CONNS:-1 10 100 1000}
CURVE_SIZES=${CURVE_SIZES:-1024 102400 10485760}
CURVE_SIZE_CONNECTIONS=10
POSTFIX_CURVE_MAXPROC=1100
T4_SECONDS=${T4_SECONDS:-20}
T4_RATE=${T4_RATE:-100}
T4_AUTHS_PER_CONN=${T4_AUTHS_PER_CONN:-5}
T4_LEGIT_RATE=${T4_LEGIT_RATE:-20}
PROFILE=${PROFILE:-1}
QUICK=0
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "usage: $0 [--quick]" >&2; exit 2 ;;
  esac
done
if [ "$QUICK" = 1 ]; then
  RUNS=1; T3_SESSIONS=${T3_SESSIONS_QUICK:-300}; T3_HOLD=3; T4_SECONDS=${T4_SECONDS_QUICK:-6}
  [ -n "$RESULTS_SET" ] || RESULTS=$WORK/RESULTS-quick.md  # a smoke run never replaces the real table
fi
CURVE_RUNS=${CURVE_RUNS:-$RUNS}

log() { printf '[compare %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root (it installs packages and starts Postfix)"

PFDIR=$WORK/postfix          # Postfix config directory (main.cf, master.cf, sasl/)
PNDIR=$WORK/postern          # Postern config and data
PASSWORD='bench-password-1'
USER_NAME=loader
DOMAIN=bench.test

# --- cleanup: only what this script started, by PID or by its own config directory -------
stop_pid_file() {  # stop_pid_file FILE EXPECTED-COMMAND-SUBSTRING
  local f=$1 want=$2 pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$want"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}
ATTACK_PID=
stop_all() {
  if [ -n "$ATTACK_PID" ]; then kill "$ATTACK_PID" 2>/dev/null || true; fi
  if [ -f "$PFDIR/main.cf" ]; then postfix -c "$PFDIR" stop >/dev/null 2>&1 || true; fi
  stop_pid_file "$WORK/postern.pid" "$PNDIR/postern.toml"
  stop_pid_file "$WORK/sink.pid" "smtp-sink"
}
trap 'stop_all' EXIT
trap 'exit 130' INT TERM

# --- packages and binaries ---------------------------------------------------------------
install_packages() {
  "$ROOT/scripts/install-deps.sh" build
  local need=()
  # gnuplot-nox draws the curves; linux-perf and valgrind are for bench/profile.sh.
  for p in postfix sasl2-bin libsasl2-modules openssl python3 procps gnuplot-nox linux-perf valgrind; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  log "installing ${need[*]}"
  # "No configuration": the package must not set up or start a system-wide MTA.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends --no-upgrade "${need[@]}"
}

# Binaries are built only when missing (`make build bench` first for fresh ones), then copied
# under $WORK so that a rebuild during the run cannot change what is being measured.
build_binaries() {
  local postern=${POSTERN_BIN:-$ROOT/build/postern} smtpload=${SMTPLOAD_BIN:-}
  if [ ! -x "$postern" ]; then
    log "building postern (make build)"
    make -C "$ROOT" build >/dev/null
  fi
  if [ -z "$smtpload" ] && [ -x "$ROOT/build/bench/smtpload" ]; then
    smtpload=$ROOT/build/bench/smtpload  # built by `make bench`
  elif [ -z "$smtpload" ]; then
    log "building smtpload standalone in build-bench/"
    [ -f "$ROOT/build-bench/build.ninja" ] || cmake -S "$BENCH" -B "$ROOT/build-bench" -G Ninja >/dev/null
    cmake --build "$ROOT/build-bench" -j2 --target smtpload >/dev/null
    smtpload=$ROOT/build-bench/smtpload
  fi
  [ -x "$postern" ] || die "no postern binary at $postern"
  [ -x "$smtpload" ] || die "no smtpload binary at $smtpload"
  mkdir -p "$WORK/bin"
  POSTERN_SRC="$postern (modified $(date -u -r "$postern" +%Y-%m-%dT%H:%M:%SZ))"
  POSTERN_REV=$(postern_rev)  # HEAD when the binary was taken
  cp "$postern" "$WORK/bin/postern"
  cp "$smtpload" "$WORK/bin/smtpload"
  POSTERN=$WORK/bin/postern
  SMTPLOAD=$WORK/bin/smtpload
  "$POSTERN" --help >/dev/null 2>&1 || die "$postern does not run (being rebuilt?)"
  "$SMTPLOAD" --help >/dev/null 2>&1 || die "$smtpload does not run (being rebuilt?)"
  log "postern from $postern, smtpload from $smtpload"
}

free_port() {  # free_port PREFERRED: the preferred loopback port if free, else any free one
  /usr/bin/python3 - "$1" <<'EOF'
import socket, sys
for port in (int(sys.argv[1]), 0):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        print(s.getsockname()[1])
        break
    except OSError:
        pass
    finally:
        s.close()
EOF
}

wait_port() {  # wait_port PORT: until something accepts on 127.0.0.1:PORT (30 s)
  for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# --- the shared pieces: certificate and sink ----------------------------------------------
make_certificate() {
  mkdir -p "$WORK/tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
    -subj "/CN=relay.$DOMAIN" -keyout "$WORK/tls/key.pem" -out "$WORK/tls/cert.pem" 2>/dev/null
  chmod 644 "$WORK/tls/cert.pem"; chmod 600 "$WORK/tls/key.pem"
}

start_sink() {
  SINK_PORT=$(free_port 3526)
  # -c: running counters (sess/quit/mesg) on stdout, read by runcase.py; 1024: listen backlog.
  smtp-sink -c -u nobody "127.0.0.1:$SINK_PORT" 1024 >"$WORK/sink.out" 2>"$WORK/sink.err" &
  echo $! >"$WORK/sink.pid"
  wait_port "$SINK_PORT" || die "smtp-sink did not listen on $SINK_PORT"
  log "smtp-sink on 127.0.0.1:$SINK_PORT (pid $(cat "$WORK/sink.pid"))"
}

# --- Postfix: an authenticated submission relay in its own config directory -------------
start_postfix() {
  POSTFIX_PORT=$(free_port 3587)
  mkdir -p "$PFDIR/sasl" "$WORK/postfix-queue" "$WORK/postfix-data"
  chown postfix:postfix "$WORK/postfix-data"
  cat >"$PFDIR/main.cf" <<EOF
# Generated by bench/compare.sh: Postfix as an authenticated submission relay.
compatibility_level = 3.6
queue_directory = $WORK/postfix-queue
data_directory = $WORK/postfix-data
mail_owner = postfix
setgid_group = postdrop
myhostname = postfix.$DOMAIN
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
alias_maps =
alias_database =
local_recipient_maps =
maillog_file_prefixes = $WORK
maillog_file = $WORK/postfix-data/maillog
relayhost = [127.0.0.1]:$SINK_PORT
smtp_tls_security_level = none
smtpd_tls_chain_files = $WORK/tls/key.pem, $WORK/tls/cert.pem
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
smtpd_sasl_local_domain = $DOMAIN
cyrus_sasl_config_path = $PFDIR/sasl
smtpd_relay_restrictions = permit_sasl_authenticated, reject
smtpd_recipient_restrictions =
# Changed from the default for the size curve: its 10 MiB point needs more than the default
# message_size_limit (10240000). Postern gets the same limit.
message_size_limit = 20971520
EOF
  # The stock Debian services, without chroot (the chroot needs copies of /etc files), and
  # the submission listener on a high loopback port instead of port 25.
  # The curves use a second listener whose smtpd process limit is $POSTFIX_CURVE_MAXPROC instead of
  # default_process_limit (100; one process per session), so the 1000-connection point is
  # served; T1, T2 and T4 use the first one, with the default.
  POSTFIX_CURVE_PORT=$(free_port 3588)
  cat >"$PFDIR/master.cf" <<EOF
127.0.0.1:$POSTFIX_PORT inet n - n - - smtpd
127.0.0.1:$POSTFIX_CURVE_PORT inet n - n - $POSTFIX_CURVE_MAXPROC smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
  cat >"$PFDIR/sasl/smtpd.conf" <<EOF
pwcheck_method: auxprop
auxprop_plugin: sasldb
mech_list: PLAIN LOGIN
sasldb_path: $PFDIR/sasl/sasldb2
EOF
  echo "$PASSWORD" | saslpasswd2 -p -f "$PFDIR/sasl/sasldb2" -c -u "$DOMAIN" "$USER_NAME"
  chown postfix:postfix "$PFDIR/sasl/sasldb2"; chmod 640 "$PFDIR/sasl/sasldb2"
  # Postfix reports to the terminal only when there is one; `script` provides it for errors.
  postfix -c "$PFDIR" check >/dev/null 2>&1 || die "postfix check: $(script -qc "postfix -c $PFDIR check" /dev/null | tail -3)"
  postfix -c "$PFDIR" start >/dev/null 2>&1 || die "postfix did not start: $(tail -5 "$WORK/postfix-data/maillog" 2>/dev/null)"
  wait_port "$POSTFIX_PORT" || die "postfix did not listen on $POSTFIX_PORT"
  log "postfix $(postconf -c "$PFDIR" -h mail_version) on 127.0.0.1:$POSTFIX_PORT"
}

# --- Postern: the same job --------------------------------------------------------------
start_postern() {
  mkdir -p "$PNDIR/var"
  cat >"$PNDIR/postern.toml" <<EOF
# Generated by bench/compare.sh.
hostname = "relay.$DOMAIN"
data_dir = "$PNDIR/var"
[store]
url = "sqlite:$PNDIR/var/postern.db"
[[listener]]
address = "127.0.0.1:0"
tls = "starttls"
[tls]
cert = "$WORK/tls/cert.pem"
key = "$WORK/tls/key.pem"
[http]
address = "127.0.0.1:0"
[limits]
max_connections_per_ip = 0   # T3 holds thousands of sessions from 127.0.0.1
max_message_size = 20971520  # the same limit as Postfix's here (the 10 MiB curve point)
[[delivery.route]]
domain = "*"
to = "127.0.0.1:$SINK_PORT"
tls = "none"
EOF
  launch_postern
  "$POSTERN" -c "$PNDIR/postern.toml" account add bench >/dev/null
  # The user may send as $DOMAIN (sender permissions); older builds have no --domain option.
  echo "$PASSWORD" | "$POSTERN" -c "$PNDIR/postern.toml" user add bench "$USER_NAME" --password-stdin \
    --domain "$DOMAIN" >/dev/null 2>&1 ||
    echo "$PASSWORD" | "$POSTERN" -c "$PNDIR/postern.toml" user add bench "$USER_NAME" --password-stdin >/dev/null
  log "postern $POSTERN_REV on 127.0.0.1:$POSTERN_PORT (pid $(cat "$WORK/postern.pid"))"
}

# Starts the server on the existing config and data; sets POSTERN_PORT (a new one each time).
POSTERN_STARTS=0
launch_postern() {
  POSTERN_STARTS=$((POSTERN_STARTS + 1))
  if [ -f "$PNDIR/serve.log" ]; then mv "$PNDIR/serve.log" "$PNDIR/serve-$POSTERN_STARTS.log"; fi
  POSTERN_PORT=
  "$POSTERN" -c "$PNDIR/postern.toml" serve >"$PNDIR/serve.log" 2>&1 &
  echo $! >"$WORK/postern.pid"
  for _ in $(seq 300); do
    POSTERN_PORT=$(sed -n 's/^listening smtp 127\.0\.0\.1:\([0-9]*\) tls=starttls.*/\1/p' "$PNDIR/serve.log" | head -1)
    [ -n "$POSTERN_PORT" ] && break
    kill -0 "$(cat "$WORK/postern.pid")" 2>/dev/null || die "postern exited: $(tail -5 "$PNDIR/serve.log")"
    sleep 0.1
  done
  [ -n "$POSTERN_PORT" ] || die "postern did not listen: $(tail -5 "$PNDIR/serve.log")"
}

postern_rev() {  # the checked-out commit, read from .git without running git
  local head ref
  head=$(cat "$ROOT/.git/HEAD" 2>/dev/null || true)
  case "$head" in
    "ref: "*) ref=${head#ref: }
              cat "$ROOT/.git/$ref" 2>/dev/null ||
                awk -v r="$ref" '$2 == r {print $1}' "$ROOT/.git/packed-refs" 2>/dev/null || echo unknown ;;
    "") echo unknown ;;
    *) echo "$head" ;;
  esac
}

# --- the cases ----------------------------------------------------------------------------
AUTH_ARGS=(--starttls --auth PLAIN --user "$USER_NAME" --password "$PASSWORD" --size 4096 --rcpts 1
           --from "$USER_NAME@$DOMAIN" --to-domain example.net)
if [ "$QUICK" = 1 ]; then
  T1_ARGS=(--connections 20 --messages 200 --per-conn 10 --pipelining)
  T2_ARGS=(--connections 20 --messages 200 --per-conn 1 --no-tls-resumption)
else
  T1_ARGS=(--connections 20 --messages 1000 --per-conn 50 --pipelining)
  T2_ARGS=(--connections 20 --messages 1000 --per-conn 1 --no-tls-resumption)
fi

port_of() {  # port_of SERVER [CASE]: the curves use Postfix's second listener
  local case=${2:-}
  if [ "$1" = postern ]; then echo "$POSTERN_PORT"
  elif [ "${case#curve-}" != "$case" ]; then echo "$POSTFIX_CURVE_PORT"
  else echo "$POSTFIX_PORT"; fi
}

run_case() {  # run_case SERVER CASE RUN ARGS...
  local server=$1 case=$2 run=$3; shift 3
  local out=$WORK/results/$case-$server-$run.json
  local cmd=("$SMTPLOAD" --port "$(port_of "$server" "$case")" "${AUTH_ARGS[@]}" "$@" --max-time 600)
  /usr/bin/python3 "$BENCH/runcase.py" --sink-log "$WORK/sink.out" --settle 15 --max-wait 600 \
    --log "$WORK/results/$case-$server-$run.log" -- "${cmd[@]}" >"$out"
  printf '%s\n' "${cmd[*]}" >"$WORK/results/$case-$server.cmd"
  log "$case $server run $run: $(/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("accepted %d/%d, %.1f msg/s accepted, end to end: %s" % (r["accepted"], r["messages"], r["msgs_per_s"], ("%.1f msg/s" % r["e2e_msgs_per_s"]) if r["e2e_msgs_per_s"] else "not delivered (%d of %d arrived)" % (r["delivered"], r["accepted"])))' "$out")"
}

# One small run per server before anything is measured: proves the set-up works, and leaves
# both warm at the measured concurrency (Postfix has its 20 smtpd processes spawned, Postern
# its credential cache filled), so neither pays start-up costs inside a measured run.
warm_up() {
  local server
  for server in postfix postern; do
    run_case "$server" warmup 0 --connections 20 --messages 100 --per-conn 5 --pipelining
    /usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["accepted"]==r["messages"] else 1)' \
      "$WORK/results/warmup-$server-0.json" ||
      die "$server refused the warm-up load: $(grep '^error' "$WORK/results/warmup-$server-0.log" | head -3)"
  done
}

# Scaling curves, T1-style (persistent connections, STARTTLS + AUTH PLAIN, PIPELINING).
# Messages per connection shrink as connections or sizes grow, so every point takes seconds.
clamp() { local v=$1; [ "$v" -lt "$2" ] && v=$2; [ "$v" -gt "$3" ] && v=$3; echo "$v"; }
curve_conn_args() {  # curve_conn_args CONNECTIONS: 4 KiB messages
  local n=$1 per
  if [ "$QUICK" = 1 ]; then per=$(clamp $((100 / n)) 1 10); else per=$(clamp $((1000 / n)) 2 100); fi
  echo "--connections $n --messages $((n * per)) --per-conn $per --pipelining --timeout 120"
}
curve_size_args() {  # curve_size_args BYTES: at $CURVE_SIZE_CONNECTIONS connections
  local size=$1 n=$CURVE_SIZE_CONNECTIONS per
  if [ "$QUICK" = 1 ]; then per=$(clamp $((524288 / size)) 1 10); else per=$(clamp $((2097152 / size)) 2 100); fi
  echo "--connections $n --messages $((n * per)) --per-conn $per --pipelining --size $size --timeout 120"
}

# T4, under attack: an attacker at 127.0.0.2 opens $T4_RATE sessions/s (open loop) with
# $T4_AUTHS_PER_CONN wrong-password AUTH each, for $T4_SECONDS s; from the second second a
# legitimate user at 127.0.0.1 opens $T4_LEGIT_RATE sessions/s, each STARTTLS + AUTH + one 4 KiB
# message. The legitimate AUTH latency (AUTH sent .. 235) is the figure; the attacker's
# achieved rate and reply mix are recorded beside it. Both servers keep their default
# brute-force settings (Postern: [auth] max_failures_per_ip = 30 in 10 min, tarpit; Postfix:
# anvil's smtpd_client_connection_count_limit = 50 for a client outside mynetworks).
run_t4() {  # run_t4 SERVER RUN
  local server=$1 run=$2 port
  port=$(port_of "$server")
  local attack=("$SMTPLOAD" --port "$port" "${AUTH_ARGS[@]}" --password "wrong-$PASSWORD"
                --source 127.0.0.2 --expect-auth-fail --rate "$T4_RATE" --per-conn "$T4_AUTHS_PER_CONN"
                --duration "$T4_SECONDS" --connections 2000 --timeout 10 --max-time $((T4_SECONDS + 60)))
  local legit=("$SMTPLOAD" --port "$port" "${AUTH_ARGS[@]}" --source 127.0.0.1 --rate "$T4_LEGIT_RATE"
               --per-conn 1 --duration $((T4_SECONDS - 2)) --connections 200 --timeout 10
               --max-time $((T4_SECONDS + 60)))
  local out=$WORK/results
  "${attack[@]}" >"$out/T4attack-$server-$run.log" 2>&1 &
  ATTACK_PID=$!
  sleep 1
  /usr/bin/python3 "$BENCH/runcase.py" --sink-log "$WORK/sink.out" --settle 15 --max-wait 600 \
    --log "$out/T4-$server-$run.log" -- "${legit[@]}" >"$out/T4-$server-$run.json" || true
  wait "$ATTACK_PID" || true
  ATTACK_PID=
  tail -1 "$out/T4attack-$server-$run.log" >"$out/T4attack-$server-$run.json"
  printf '%s\n' "${legit[*]}" >"$out/T4-$server.cmd"
  printf '%s\n' "${attack[*]}" >"$out/T4attack-$server.cmd"
  log "T4 $server run $run: $(/usr/bin/python3 -c '
import json, sys
try:
    l, a = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
except Exception:
    print("no result"); sys.exit()
auth = ("p50 %.1f ms p99 %.1f ms" % (l["auth_p50_ms"], l["auth_p99_ms"])
        if l.get("auth_samples") else "none completed")
print("legit AUTH %s (%d/%d sessions ok); attacker %.0f AUTH/s, replies %s"
      % (auth, l["sessions"], l["sessions"] + l["sessions_failed"], a["auth_per_s"],
         a["auth_replies"]))' "$out/T4-$server-$run.json" "$out/T4attack-$server-$run.json")"
}

# --- main -----------------------------------------------------------------------------------
START_TIME=$(date -u +%Y-%m-%dT%H:%M:%SZ)
START_EPOCH=$(date +%s)
install_packages
stop_all                      # a previous run's processes, if any
rm -rf "$WORK"
mkdir -p "$WORK/results" "$PFDIR" "$PNDIR"
build_binaries
make_certificate
start_sink
start_postfix
start_postern
warm_up

# Interleaved (postfix, postern, postfix, ...), so slow drifts of a shared machine hit both.
for run in $(seq "$RUNS"); do
  for server in postfix postern; do run_case "$server" T1 "$run" "${T1_ARGS[@]}"; done
  for server in postfix postern; do run_case "$server" T2 "$run" "${T2_ARGS[@]}"; done
done

# T3: idle authenticated TLS sessions held by one Postern process (Postfix holds one process
# per session, default_process_limit=100, so it is not driven to thousands here).
log "T3: $T3_SESSIONS idle sessions against postern"
/usr/bin/python3 "$BENCH/runcase.py" --sink-log "$WORK/sink.out" --rss-pid "$(cat "$WORK/postern.pid")" \
  --log "$WORK/results/T3-postern-1.log" -- "$SMTPLOAD" --port "$POSTERN_PORT" "${AUTH_ARGS[@]}" \
  --threads 2 --connections 200 --idle "$T3_SESSIONS" --hold "$T3_HOLD" --timeout 60 --max-time 900 \
  >"$WORK/results/T3-postern-1.json" || log "T3 failed"
printf '%s\n' "$SMTPLOAD --port $POSTERN_PORT ${AUTH_ARGS[*]} --threads 2 --connections 200 --idle $T3_SESSIONS --hold $T3_HOLD --timeout 60 --max-time 900" \
  >"$WORK/results/T3-postern.cmd"

# Scaling curves: the same interleaving, CURVE_RUNS runs (default RUNS).
for run in $(seq "$CURVE_RUNS"); do
  for n in $CURVE_CONNS; do
    # shellcheck disable=SC2046
    for server in postfix postern; do run_case "$server" "curve-conn-$n" "$run" $(curve_conn_args "$n"); done
  done
  for size in $CURVE_SIZES; do
    # shellcheck disable=SC2046
    for server in postfix postern; do run_case "$server" "curve-size-$size" "$run" $(curve_size_args "$size"); done
  done
done

# T4 last: an attack can leave work behind in a server (verifications of passwords whose
# clients have gone). Postern is restarted before each of its T4 runs (an empty throttle, as
# at the start of an attack; a short warm-up fills the credential cache again) and stopped
# after it, so nothing it still does can weigh on the next Postfix run.
stop_pid_file "$WORK/postern.pid" "$PNDIR/postern.toml"
for run in $(seq "$RUNS"); do
  run_t4 postfix "$run"
  launch_postern
  run_case postern T4warm 0 --connections 5 --messages 10 --per-conn 2 --source 127.0.0.1
  run_t4 postern "$run"
  stop_pid_file "$WORK/postern.pid" "$PNDIR/postern.toml"
done

# Profiling and the machine's ceilings (its own Postern instances, the same sink).
postfix -c "$PFDIR" stop >/dev/null 2>&1 || true
if [ "$PROFILE" = 1 ]; then
  PROFILE_ARGS=()
  if [ "$QUICK" = 1 ]; then PROFILE_ARGS=(--quick); fi
  log "profile.sh"
  PROFILE_DIR=$WORK/profile OUT=$WORK/results/profile SINK_PORT=$SINK_PORT SINK_LOG=$WORK/sink.out \
    CERT=$WORK/tls/cert.pem KEY=$WORK/tls/key.pem POSTERN_BIN=$POSTERN SMTPLOAD_BIN=$SMTPLOAD \
    "$BENCH/profile.sh" "${PROFILE_ARGS[@]}" || log "profile.sh failed"
fi

# Machine and versions, then the report.
{
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc=$(nproc)"
  echo "cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  echo "ram=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel=$(uname -r)"
  echo "os=$(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "postfix=$(postconf -c "$PFDIR" -h mail_version)"
  echo "cyrus_sasl=$(dpkg-query -W -f='${Version}' libsasl2-2 2>/dev/null)"
  echo "postern=$POSTERN_REV"
  echo "postern_binary=$POSTERN_SRC"
  echo "openssl=$(openssl version)"
  echo "quick=$QUICK"
  echo "runs=$RUNS"
  echo "fs=$(df -T "$WORK" | awk 'NR==2 {print $2}')"
  echo "curve_runs=$CURVE_RUNS"
  echo "curve_size_connections=$CURVE_SIZE_CONNECTIONS"
  echo "t4_seconds=$T4_SECONDS"
  echo "t4_rate=$T4_RATE"
  echo "t4_auths_per_conn=$T4_AUTHS_PER_CONN"
  echo "t4_legit_rate=$T4_LEGIT_RATE"
  echo "postfix_process_limit=$(postconf -c "$PFDIR" -h default_process_limit)"
  echo "postfix_curve_maxproc=$POSTFIX_CURVE_MAXPROC"
  echo "postfix_message_size_limit=$(postconf -c "$PFDIR" -h message_size_limit)"
  echo "postfix_mynetworks=$(postconf -c "$PFDIR" -h mynetworks)"
  echo "gnuplot=$(gnuplot --version 2>/dev/null || echo none)"
  echo "started=$START_TIME"
  echo "elapsed_s=$(( $(date +%s) - START_EPOCH ))"
} >"$WORK/results/machine.env"
/usr/bin/python3 "$BENCH/report.py" "$WORK/results" --png-dir "$(dirname "$RESULTS")" >"$RESULTS.tmp"
mv "$RESULTS.tmp" "$RESULTS"
log "wrote $RESULTS (and its curve PNGs in $(dirname "$RESULTS")) in $(( $(date +%s) - START_EPOCH )) s"
