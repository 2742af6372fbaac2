#!/usr/bin/env bash
# The run command: installs what is missing, builds, starts the central
# store (SQLite, demo data) on 127.0.0.1:8080, pcscd with the virtual reader
# (vpcd, port 35963) unless a system pcscd runs, and the kiosk.
#   scripts/run.sh                 a window when there is a display; the demo
#                                  card (virtual) is in the reader unless a
#                                  real reader is plugged in (F3 pulls it,
#                                  F2 puts it back)
#   scripts/run.sh --fullscreen    the kiosk's full screen
# The printer is the machine's CUPS queue bms-demo, else a private cupsd
# whose queue writes PDF files to .run/cups/printed/.
#   scripts/run.sh --headless      no display: the demo scenarios run with
#                                  the software renderer, then the live ones
#                                  through pcscd, vpcd and the central store;
#                                  every screen goes to out/screens/ as PNG
# Other arguments go to `bms-kiosk run`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh run

echo "Building (release; the first build takes several minutes)…"
. scripts/build-env.sh
swift build -c release -j "$BMS_JOBS" --product bms-central
swift build -c release -j "$BMS_JOBS" --product bms-kiosk
headless=0
for a in "$@"; do [ "$a" = "--headless" ] && headless=1; done
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then headless=1; fi
# Headless, the scenarios run through bms-dev (the smoke runner and its
# in-process central store are developer tools, not in bms-kiosk).
if [ "$headless" = 1 ]; then swift build -c release -j "$BMS_JOBS" --product bms-dev; fi
bin="$(swift build -c release --show-bin-path)"

state=".run"
mkdir -p "$state"
# Each run starts the demo over, on purpose: a fresh store, which --demo-data
# seeds (it seeds an empty store only, so a restart of bms-central keeps
# what the demo did).
rm -f "$state"/central.sqlite* "$state"/DEMO-0001.kiosk-key.json
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
# The demo kiosk, registered with a fresh key (kept in .run/ only).
"$bin/bms-central" kiosk add DEMO-0001 --store "sqlite:$state/central.sqlite" --key-dir "$state" >/dev/null
"$bin/bms-central" serve --store "sqlite:$state/central.sqlite" --demo-data \
  --sms "log:$state/sms.log" --listen 127.0.0.1:8080 >"$state/central.log" 2>&1 &
central=$!
pids+=("$central")
for _ in $(seq 1 100); do
  (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null && break
  kill -0 "$central" 2>/dev/null || { echo "bms-central did not start:"; cat "$state/central.log"; exit 1; }
  sleep 0.1
done
echo "Central store (SQLite, demo data) on http://127.0.0.1:8080 — log: $state/central.log; demo SMS: $state/sms.log"

# The card reader: a system pcscd (a real reader, or Debian's vpcd reader on
# 35963) when one runs; else our own pcscd with one vpcd reader on 35963, as
# the tests' harness starts it (one pcscd per machine).
vpcd_port=35963
real_reader=0
# (systemd's pcscd.socket starts the system one on first use.)
if [ -n "$(pgrep -x pcscd || true)" ] || systemctl is-active --quiet pcscd.socket 2>/dev/null; then
  if timeout 3 pcsc_scan -r 2>/dev/null | grep -E '^[0-9]+:' | grep -qvi 'virtual'; then real_reader=1; fi
  echo "Card reader: the system pcscd$([ "$real_reader" = 1 ] && echo " (a real reader is plugged in)")."
else
  # The tests' pcscd harness takes the same machine-wide turn: hold it meanwhile.
  exec 9>"${TMPDIR:-/tmp}/bms-pcscd.lock"
  flock -w 600 9 || { echo "another pcscd user (tests?) holds ${TMPDIR:-/tmp}/bms-pcscd.lock"; exit 1; }
  mkdir -p "$state/pcscd/reader.conf.d"
  printf 'FRIENDLYNAME "BMS Virtual PCD"\nDEVICENAME   /dev/null:%s\nLIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID    %s\n' \
    "$vpcd_port" "$vpcd_port" >"$state/pcscd/reader.conf.d/vpcd"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  : >"$state/pcscd.log"
  $sudo /usr/sbin/pcscd --foreground --info -c "$PWD/$state/pcscd/reader.conf.d" >>"$state/pcscd.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 1 100); do grep -qi "daemon ready" "$state/pcscd.log" && break; sleep 0.1; done
  grep -qi "daemon ready" "$state/pcscd.log" || { echo "pcscd did not start:"; tail -n 20 "$state/pcscd.log"; exit 1; }
  echo "Card reader: pcscd with the virtual reader (vpcd on port $vpcd_port) — log: $state/pcscd.log"
fi
key="$state/DEMO-0001.kiosk-key.json"

# The printer: the machine's CUPS queue bms-demo when it has one (kiosk.yaml
# names it); else a private cupsd whose queue bms-demo writes each document
# as a PDF file into .run/cups/printed/.
if lpstat -p bms-demo >/dev/null 2>&1; then
  echo "Printer: the CUPS queue bms-demo."
elif . scripts/demo-printer.sh "$state/cups"; then
  pids+=("$DEMO_PRINTER_PID")
  echo "Printer: a private CUPS queue bms-demo; documents go to $state/cups/printed/ as PDF files."
else
  echo "Printer: none (attestations and certificates are not offered)."
fi

if [ "$headless" = 1 ]; then
  out="out/screens"
  mkdir -p "$out"
  echo "No display: running the demo scenarios headless; screens go to $out/"
  "$bin/bms-dev" smoke Tests/Scenarios/*.scenario --out "$out"
  # The live scenarios insert their own virtual cards into vpcd; those that
  # print need the configured CUPS queue.
  live=()
  for f in Tests/Scenarios/live/*.scenario; do
    # Failures acted out on the stack (printer, central store) are the tests' own.
    grep -q '^# needs: control' "$f" && continue
    if grep -q '^# needs: printer' "$f" && ! lpstat -p bms-demo >/dev/null 2>&1; then
      echo "  (skipping $(basename "$f"): no CUPS queue bms-demo)"; continue
    fi
    live+=("$f")
  done
  if [ "$real_reader" = 0 ] && [ ${#live[@]} -gt 0 ]; then
    echo "Live scenarios through pcscd + vpcd and the central store"
    "$bin/bms-dev" smoke --live --config kiosk-config --key "$key" --vpcd-port "$vpcd_port" \
      --sms-log "$state/sms.log" --state "$state/smoke" "${live[@]}" --out "$out"
  fi
  echo "Screens written: $(ls "$out"/*.png 2>/dev/null | wc -l) PNG files in $out/"
else
  card=()
  if [ "$real_reader" = 0 ]; then
    card=(--virtual-card Assets/demo/demo-card.json --vpcd-port "$vpcd_port")
    echo "The demo card (DUPONT Jean, code personnel 1234) is in the virtual reader: F3 pulls it, F2 puts it back."
  fi
  "$bin/bms-kiosk" run --config kiosk-config --central-key "$key" --state "$state/kiosk" "${card[@]}" "$@"
fi
