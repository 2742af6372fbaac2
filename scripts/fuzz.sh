#!/usr/bin/env bash
# Fuzzes the card parsing (TLV, status words, card files) for SECONDS
# (default 60) with libFuzzer and AddressSanitizer, starting from the
# committed corpus in Fuzz/corpus. New inputs go to a scratch folder so
# the committed corpus only changes on purpose.
#   scripts/fuzz.sh 60
set -euo pipefail
seconds="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/Fuzz"
scratch="${FUZZ_SCRATCH:-$root/.build-fuzz}"
. "$root/scripts/build-env.sh"
swift build -c debug -j "$BMS_JOBS" --scratch-path "$scratch" \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --product CardFuzz
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# -rss_limit_mb and -malloc_limit_mb make an unbounded allocation a failure.
"$scratch/debug/CardFuzz" "$work" "$root/Fuzz/corpus" \
  -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=1024 -malloc_limit_mb=64 \
  -timeout=5 -print_final_stats=1 -artifact_prefix="$scratch/fuzz-"
