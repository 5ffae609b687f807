#!/usr/bin/env bash
# Installs the Debian packages Postern needs to build and test, if any is missing.
# Idempotent: installs nothing when everything is present; never upgrades (--no-upgrade).
# Runs apt through sudo when not root. Usage: scripts/install-deps.sh [build|test|all]
set -euo pipefail

build_pkgs=(cmake ninja-build g++ make pkg-config ccache
  libboost1.81-dev libssl-dev libsodium-dev libsqlite3-dev nlohmann-json3-dev
  libcli11-dev libtomlplusplus-dev libgtest-dev libgmock-dev libunbound-dev libpq-dev)
test_pkgs=(openssl swaks msmtp curl python3 python3-aiosmtpd sqlite3 clang libclang-rt-14-dev python3-dkim python3-nacl
  dnsmasq-base postfix chromium prometheus haproxy postgresql testssl.sh)

want=("${build_pkgs[@]}")
case "${1:-all}" in
  build) ;;
  test|all) want+=("${test_pkgs[@]}") ;;
  *) echo "usage: $0 [build|test|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# The browser tests need Node.js and npm: any installation will do (Debian's, or NodeSource's,
# whose nodejs package carries npm and conflicts with Debian's npm package).
if [ "${1:-all}" != build ] && ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# postfix only provides smtp-sink for the delivery tests: never configure a local MTA.
echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO apt-get install -y -q --no-install-recommends --no-upgrade "${missing[@]}"
