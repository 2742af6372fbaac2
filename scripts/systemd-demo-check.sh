#!/usr/bin/env bash
# Proves, under a real systemd, that the kiosk unit comes back after a kill
# and after a hang (watchdog). Not part of the default tests: it needs root
# and boots a container (systemd-nspawn over the host's /usr, volatile).
#
# The unit is systemd/bms-kiosk.service as shipped. First with the real
# kiosk in demo mode (`bms-kiosk run --config kiosk-config --headless`: the
# demo configuration, SDL's software surface as the container has no GPU,
# no central store reachable, no reader): it must come up (READY=1 after its
# first frame) and come back after a kill. Then with a drop-in that runs the
# hidden `bms-kiosk watchdog-selftest --hang-after S` (a loop that beats the
# watchdog, then stops beating while staying alive) to prove the hang. Both
# with a transient user instead of bms-kiosk.
#
#   scripts/systemd-demo-check.sh [SCRATCH_PATH]     (default .build)
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="${1:-.build}"
hang_after=4
watchdog=2

[ "$(id -u)" -eq 0 ] || { echo "run as root (systemd-nspawn)"; exit 2; }
if ! command -v systemd-nspawn >/dev/null; then
  echo "Installing systemd-container (systemd-nspawn)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd-container >/dev/null
fi

swift build --scratch-path "$scratch" --product bms-kiosk >/dev/null
bin="$(swift build --scratch-path "$scratch" --show-bin-path)/bms-kiosk"
swift_root="$(dirname "$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")")"  # …/usr/bin/swift → toolchain root

work="$(mktemp -d)"
nspawn_pid=""
cleanup() {
  if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
    kill -TERM "$nspawn_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$nspawn_pid" 2>/dev/null || true
  fi
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/bms-kiosk.service.d"
# Phase 1: the real kiosk, headless, in demo mode.
cat > "$work/bms-kiosk.service.d/demo.conf" <<EOF
[Service]
ExecStart=
ExecStart=/opt/bms/bms-kiosk run --config /opt/bms/share/kiosk-config --headless
WorkingDirectory=/opt/bms/share
User=
Group=
SupplementaryGroups=
DynamicUser=yes
Environment=SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy
EOF
# Phase 2 (put in place of phase 1's later): the hang.
cat > "$work/selftest.conf" <<EOF
[Service]
ExecStart=
ExecStart=/opt/bms/bms-kiosk watchdog-selftest --hang-after $hang_after
WorkingDirectory=/
User=
Group=
SupplementaryGroups=
DynamicUser=yes
WatchdogSec=${watchdog}s
EOF

# Binaries cannot be bound under /usr (it is the host's, read-only): /opt.
systemd-nspawn -q -D / --volatile=yes --private-network --register=no --keep-unit \
  --bind-ro="$bin:/opt/bms/bms-kiosk" \
  --bind-ro="$swift_root:$swift_root" \
  --bind-ro="$PWD/systemd/bms-kiosk.service:/etc/systemd/system/bms-kiosk.service" \
  --bind="$work/bms-kiosk.service.d:/etc/systemd/system/bms-kiosk.service.d" \
  --bind-ro="$PWD/Assets:/opt/bms/share/Assets" \
  --bind-ro="$PWD/kiosk-config:/opt/bms/share/kiosk-config" \
  --bind-ro=/dev/null:/etc/systemd/system/systemd-networkd-wait-online.service \
  -b -- systemd.unit=multi-user.target systemd.firstboot=off >"$work/console.log" 2>&1 &
nspawn_pid=$!

leader=""
for _ in $(seq 1 100); do
  # The container's init: the child of systemd-nspawn running systemd.
  leader="$(ps -eo pid=,ppid=,comm= | awk -v p="$nspawn_pid" '$2 == p && $3 == "systemd" { print $1 }' | head -1 || true)"
  [ -n "$leader" ] && break
  sleep 0.1
done
[ -n "$leader" ] || { echo "FAIL: the container did not start"; cat "$work/console.log"; exit 1; }
inside() { nsenter -t "$leader" -a "$@"; }
prop() { inside systemctl show -p "$1" --value bms-kiosk.service 2>/dev/null; }

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND…
  local seconds="$1" what="$2"; shift 2
  for _ in $(seq 1 $((seconds * 10))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "FAIL: $what within ${seconds}s"
  inside systemctl list-jobs --no-pager || true
  inside systemctl is-system-running || true
  inside systemctl --failed --no-pager || true
  inside systemctl status --no-pager bms-kiosk.service || true
  inside journalctl --no-pager -u bms-kiosk.service | tail -30 || true
  exit 1
}

is_active() { [ "$(prop ActiveState)" = active ]; }
restarted_past() { [ "$(prop NRestarts)" -gt "$1" ] && is_active; }

wait_for 60 "the container's systemd answering" inside systemctl show -p Version --value
inside systemctl start --no-block bms-kiosk.service
wait_for 60 "the demo kiosk active (READY=1 after its first frame)" is_active
demo1="$(prop MainPID)"
echo "OK the demo kiosk runs: MainPID $demo1, $(prop StatusText)"
restarts="$(prop NRestarts)"
inside systemctl kill -s KILL bms-kiosk.service
wait_for 30 "the demo kiosk back after SIGKILL" restarted_past "$restarts"
echo "OK the demo kiosk restarted after SIGKILL: MainPID $demo1 → $(prop MainPID)"
# systemctl stop: SIGTERM, a clean exit (STOPPING=1, status 0), not a kill
# at the end of TimeoutStopSec.
inside systemctl stop bms-kiosk.service
[ "$(prop Result)" = success ] || { echo "FAIL: stop ended with result $(prop Result) (killed?)"; inside journalctl --no-pager -u bms-kiosk.service | tail -10; exit 1; }
inside journalctl --no-pager -o cat -u bms-kiosk.service | grep -q 'stop requested' \
  || { echo "FAIL: SIGTERM was not taken as a stop request"; exit 1; }
echo "OK systemctl stop: the kiosk stopped cleanly on SIGTERM (result $(prop Result))"

# Phase 2: the watchdog self-test (a loop that hangs on purpose).
rm -f "$work/bms-kiosk.service.d/demo.conf"
cp "$work/selftest.conf" "$work/bms-kiosk.service.d/selftest.conf"
inside systemctl daemon-reload
inside systemctl reset-failed bms-kiosk.service || true
inside systemctl start --no-block bms-kiosk.service
wait_for 60 "bms-kiosk.service active (READY=1)" is_active
pid1="$(prop MainPID)"
echo "OK started: MainPID $pid1, $(prop StatusText)"

# 1. A kill: systemd restarts it.
restarts="$(prop NRestarts)"
inside systemctl kill -s KILL bms-kiosk.service
wait_for 20 "restart after SIGKILL" restarted_past "$restarts"
pid2="$(prop MainPID)"
[ "$pid2" != "$pid1" ] || { echo "FAIL: same MainPID after kill"; exit 1; }
echo "OK restarted after SIGKILL: MainPID $pid1 → $pid2"

# 2. A hang: the loop stops beating after ${hang_after}s, pings stop, the
#    watchdog aborts it after ${watchdog}s, and it is restarted.
restarts="$(prop NRestarts)"
wait_for $((hang_after + watchdog + 20)) "restart after the watchdog timeout" restarted_past "$restarts"
pid3="$(prop MainPID)"
journal="$(inside journalctl --no-pager -u bms-kiosk.service)"
echo "$journal" | grep -q "Watchdog timeout" || { echo "FAIL: no watchdog timeout in the journal"; echo "$journal" | tail -20; exit 1; }
echo "$journal" | grep -q "simulating a hung main loop" || { echo "FAIL: the hang was not logged"; exit 1; }
echo "OK restarted after a hang (watchdog timeout): MainPID $pid2 → $pid3"

# 3. Log levels reach the journal: the hang is a warning, "ready" a notice.
warnings="$(inside journalctl --no-pager -o cat -u bms-kiosk.service -p warning SYSLOG_IDENTIFIER=bms-kiosk)"
echo "$warnings" | grep -q "simulating a hung main loop" || { echo "FAIL: the hang is not logged at warning priority"; exit 1; }
if echo "$warnings" | grep -q 'msg=ready'; then echo "FAIL: a notice came out at warning priority"; exit 1; fi
echo "OK log levels in the journal (journalctl -p warning shows the hang, not the notices)"
echo "$journal" | grep -E "Watchdog timeout|simulating a hung|Scheduled restart" | tail -4
echo "PASS: systemd runs the demo kiosk and restarts bms-kiosk after a kill and after a hang"
