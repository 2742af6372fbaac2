#!/usr/bin/env bash
# Installs the Debian packages the kiosk needs, only those missing.
#   scripts/install-deps.sh run    what `scripts/run.sh` needs
#   scripts/install-deps.sh test   that, plus the servers the tests start
# The Swift toolchain itself (6.1 or later) must be on PATH.
set -euo pipefail
what="${1:-test}"

# Build: headers of the C libraries behind the system library targets.
build=(pkg-config libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev libpcsclite-dev libsqlite3-dev
       libcairo2-dev libpango1.0-dev libcups2-dev
       libsane-dev libqrencode-dev libjpeg-dev)
# Run: card daemon and virtual reader, speech, fonts.
# cups: the demo prints through a private cupsd when the machine has no queue.
run=(pcscd vsmartcard-vpcd pcsc-tools espeak-ng fonts-dejavu-core cups cups-client)
# Tests: the real servers they start on loopback, pdftotext, systemd-analyze;
# python3-venv for schemathesis (scripts/schemathesis.sh, from PyPI in a venv);
# SANE's test backend (sane-utils), zbarimg to read QR codes off screenshots,
# and a real browser for the phone's upload page (chromium over chromedriver).
test=(postgresql kannel kannel-extras cups cups-client cups-bsd poppler-utils systemd python3-venv
      sane-utils zbar-tools chromium chromium-driver)

packages=("${build[@]}" "${run[@]}")
[ "$what" = "test" ] && packages+=("${test[@]}")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts pcscd through systemd socket activation where systemd runs;
# the tests start their own private pcscd, so a system one must not hold
# the socket during tests. Nothing to do here: the test harness says so.
