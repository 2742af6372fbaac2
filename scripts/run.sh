#!/usr/bin/env bash
# The run command: installs what is missing, builds, and runs the kiosk.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh run
swift build -c release --product bms-kiosk
exec .build/release/bms-kiosk "$@"
