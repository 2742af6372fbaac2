#!/usr/bin/env bash
# The test command: installs what is missing, fuzzes the card parsing for a
# bounded time, builds, runs every test.
# Tests start their own servers (pcscd + virtual reader, PostgreSQL, Kannel,
# cupsd) on loopback through the project's harness modules, and stop them.
#   scripts/test.sh                  everything
#   FUZZ_SECONDS=0 scripts/test.sh   without the fuzzing
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test

seconds="${FUZZ_SECONDS:-60}"
if [ "$seconds" -gt 0 ]; then
  echo "Fuzzing the card parsing for ${seconds} s (libFuzzer)"
  bash scripts/fuzz.sh "$seconds" 2>&1 | tail -n 20
fi

# The domain builds alone: no other module is needed for the rules.
swift build --target Domain

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
swift test 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One plain closing line, whatever the runners printed before it.
passed=$(grep -oE "Test run with [0-9]+ tests? .*passed" "$log" | grep -oE "[0-9]+" | head -1)
failed=$(grep -cE "^✘ Test .* failed" "$log" || true)
echo "tests: ${passed:-0} passed, ${failed} failed"
exit "$status"
