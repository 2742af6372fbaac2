#!/usr/bin/env bash
# The run command: installs what is missing, builds, starts the central
# store (SQLite, demo data) on 127.0.0.1:8080 and the kiosk.
#   scripts/run.sh                 a window when there is a display
#   scripts/run.sh --fullscreen    the kiosk's full screen
#   scripts/run.sh --headless      no display: the demo scenarios run with
#                                  the software renderer and every screen is
#                                  written to out/screens/ as PNG
# Other arguments go to `bms-kiosk run`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh run

echo "Building (release; the first build takes several minutes)…"
. scripts/build-env.sh
swift build -c release -j "$BMS_JOBS" --product bms-central
swift build -c release -j "$BMS_JOBS" --product bms-kiosk
bin="$(swift build -c release --show-bin-path)"

state=".run"
mkdir -p "$state"
rm -f "$state"/central.sqlite*
"$bin/bms-central" serve --store "sqlite:$state/central.sqlite" --demo-data \
  --sms "log:$state/sms.log" --listen 127.0.0.1:8080 >"$state/central.log" 2>&1 &
central=$!
trap 'kill "$central" 2>/dev/null; wait "$central" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null && break
  kill -0 "$central" 2>/dev/null || { echo "bms-central did not start:"; cat "$state/central.log"; exit 1; }
  sleep 0.1
done
echo "Central store (SQLite, demo data) on http://127.0.0.1:8080 — log: $state/central.log; demo SMS: $state/sms.log"

headless=0
for a in "$@"; do [ "$a" = "--headless" ] && headless=1; done
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then headless=1; fi

if [ "$headless" = 1 ]; then
  out="out/screens"
  mkdir -p "$out"
  echo "No display: running the demo scenarios headless; screens go to $out/"
  "$bin/bms-kiosk" smoke Tests/Scenarios/*.scenario --out "$out"
  echo "Screens written: $(ls "$out"/*.png 2>/dev/null | wc -l) PNG files in $out/"
else
  echo "Kiosk window: F2 inserts the demo card (Assets/demo/cards/dupont-jean.json), code 1234."
  "$bin/bms-kiosk" run --config kiosk-config "$@"
fi
