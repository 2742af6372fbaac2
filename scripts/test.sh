#!/usr/bin/env bash
# The test command: installs what is missing, fuzzes the card parsing for a
# bounded time, builds, runs every test.
# Tests start their own servers (pcscd + virtual reader, PostgreSQL, Kannel,
# cupsd) on loopback through the project's harness modules, and stop them.
#   scripts/test.sh                  everything
#   FUZZ_SECONDS=0 scripts/test.sh   without the fuzzing
#   SCHEMATHESIS=0 scripts/test.sh   without the API's property-based tests
set -euo pipefail
cd "$(dirname "$0")/.."

# Each phase is stamped, and the summary at the end says how long each took:
# CI runs on slow shared cores, and a slow phase must show in its log.
started=$(date +%s)
phases=()
last=$started
state="$(mktemp)"
phase() {
  local now; now=$(date +%s)
  [ -n "${current:-}" ] && phases+=("$(printf '%6ss  %s' $((now - last)) "$current")")
  current="$1"; last=$now
  echo "$1" > "$state"
  [ -n "$1" ] && echo "== $(date -u +%H:%M:%S) (+$((now - started)) s) $1"
  return 0
}
# A heartbeat every 5 minutes: a log cut short still says where time went.
( while sleep 300; do
    echo "== heartbeat +$(( $(date +%s) - started )) s: $(cat "$state" 2>/dev/null); load $(cut -d' ' -f1-3 /proc/loadavg); $(awk '/MemAvailable/ { printf "%d MiB free", $2/1024 }' /proc/meminfo)"
  done ) &
heartbeat=$!
trap 'kill "$heartbeat" 2>/dev/null; rm -f "$state"' EXIT

. scripts/build-env.sh
echo "== machine: $(nproc) processors, cpu.max $(cat /sys/fs/cgroup/cpu.max 2>/dev/null || echo none), $(awk '/MemTotal/ { printf "%d MiB", $2/1024 }' /proc/meminfo); build jobs: $BMS_JOBS"
summary() {
  phase ""
  echo "== phases:"; printf '%s\n' "${phases[@]}"
  echo "== total: $(( $(date +%s) - started )) s"
}

phase "Debian packages"
bash scripts/install-deps.sh test

seconds="${FUZZ_SECONDS:-60}"
if [ "$seconds" -gt 0 ]; then
  phase "fuzzing the card parsing for ${seconds} s (libFuzzer)"
  bash scripts/fuzz.sh "$seconds" 2>&1 | tail -n 20
fi

# Tests need no debug info: it doubles what is written and linked on CI's
# cores. (Crash backtraces then lack line numbers; test failures keep
# theirs.) The index store stays: on Linux the tests are discovered from it.
flags=(-j "$BMS_JOBS" -debug-info-format none)

phase "building the domain alone"
# The domain builds alone: no other module is needed for the rules.
swift build "${flags[@]}" --target Domain

phase "building everything with the tests (debug)"
swift build "${flags[@]}" --build-tests

# The API against its OpenAPI document, on a live bms-central (this build's),
# every request signed as a kiosk signs it: no 5xx, no answer off the schema.
schemathesis_status=0
if [ "${SCHEMATHESIS:-1}" != 0 ]; then
  phase "schemathesis against a live bms-central"
  BMS_CENTRAL="$(swift build "${flags[@]}" --show-bin-path)/bms-central" bash scripts/schemathesis.sh || schemathesis_status=$?
fi

phase "running the tests"
log="$(mktemp)"
trap 'kill "$heartbeat" 2>/dev/null; rm -f "$state" "$log"' EXIT
set +e
# A test that waits for ever must not eat CI's whole budget: past the limit
# the run is stopped and the tests still running are named below.
timeout --signal=TERM --kill-after=30s "${TEST_TIMEOUT:-40m}" swift test "${flags[@]}" --skip-build 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  echo "== the tests did not finish within ${TEST_TIMEOUT:-40m}; started and never finished:"
  grep -oE "◇ Test [^ ]+\(" "$log" | sed -E 's/◇ Test (.*)\(/\1/' | sort -u > "$log.started"
  grep -oE "[✔✘] Test [^ ]+\(.*(passed|failed)" "$log" | sed -E 's/[✔✘] Test ([^ (]+)\(.*/\1/' | sort -u > "$log.done"
  comm -23 "$log.started" "$log.done" | sed 's/^/   /'
  rm -f "$log.started" "$log.done"
fi
summary
# One plain closing line, whatever the runners printed before it.
total=$(grep -oE "Test run with [0-9]+ tests?" "$log" | grep -oE "[0-9]+" | head -1)
# Only the tests' own verdicts ("✘ Test name(…) failed after"), not the
# issues they recorded ("Expectation failed") nor the run's last line.
# A parameterised test says "with N test cases failed after".
failed=$(grep -cE "^✘ Test [^ ]+\(.*\)( with [0-9]+ test cases?)? failed after" "$log" || true)
[ "$schemathesis_status" -ne 0 ] && echo "== schemathesis failed (exit $schemathesis_status): see its phase above"
echo "tests: $(( ${total:-0} - failed )) passed, ${failed} failed"
[ "$status" -eq 0 ] && status=$schemathesis_status
exit "$status"
