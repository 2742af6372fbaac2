#!/usr/bin/env bash
# The test command: installs what is missing, builds, runs every test, then
# fuzzes the card parsing for a bounded time.
# Tests start their own servers (pcscd + virtual reader, PostgreSQL, Kannel,
# cupsd) on loopback through the project's harness modules, and stop them.
#   scripts/test.sh                  everything
#   FUZZ_SECONDS=0 scripts/test.sh   without the fuzzing
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test

# The domain builds alone: no other module is needed for the rules.
swift build --target Domain

set +e
swift test 2>&1
status=$?
set -e
if [ "$status" -ne 0 ]; then
  echo "swift test failed (exit $status)"
  exit "$status"
fi

seconds="${FUZZ_SECONDS:-60}"
if [ "$seconds" -gt 0 ]; then
  echo "Fuzzing the card parsing for ${seconds} s (libFuzzer)"
  bash scripts/fuzz.sh "$seconds"
fi
