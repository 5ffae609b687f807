#!/usr/bin/env bash
# bench/crash.sh: the long crash-safety run (issue 7, item 1; docs/reliability.md "Crash
# safety"). A 5,000-message STARTTLS + AUTH PLAIN load against Postern, delivering to a
# recording aiosmtpd sink, with 20 SIGKILLs of Postern at random moments (each followed by an
# immediate restart on the same data directory and ports). Then it waits until the queue is
# empty and checks that every message acknowledged with a 250 reached the sink; duplicates are
# counted. Exit status 1 on any loss. Takes a few minutes. The work is in bench/crash.py.
#
#   env: POSTERN_BIN (default build/postern), CRASH_DIR (default /tmp/postern-crash; emptied
#        first), MESSAGES (5000), KILLS (20), CLIENTS (4), SEED (default: the time)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
POSTERN=${POSTERN_BIN:-$ROOT/build/postern}
WORK=${CRASH_DIR:-/tmp/postern-crash}
[ -x "$POSTERN" ] || { echo "no postern binary at $POSTERN (make build, or set POSTERN_BIN)" >&2; exit 2; }
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null ||
  { echo "/usr/bin/python3 lacks aiosmtpd (scripts/install-deps.sh all installs python3-aiosmtpd)" >&2; exit 2; }
rm -rf "$WORK"
mkdir -p "$WORK/bin"
cp "$POSTERN" "$WORK/bin/postern"  # a rebuild during the run cannot change what is tested
exec /usr/bin/python3 "$ROOT/bench/crash.py" run --postern "$WORK/bin/postern" --work "$WORK" \
  --messages "${MESSAGES:-5000}" --kills "${KILLS:-20}" --clients "${CLIENTS:-4}" \
  ${SEED:+--seed "$SEED"}
