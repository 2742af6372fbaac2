#!/usr/bin/env bash
# Property-based API tests: schemathesis (PyPI, in a virtual environment this
# script makes) against a live bms-central, every request signed as a kiosk
# signs it (scripts/schemathesis/hooks.py). Valid and invalid requests
# (-D all). Fails on any 5xx, any response that does not match
# docs/central-openapi.yaml, any undocumented status, header or content type,
# any request the document calls invalid that is not refused, and any signed
# request refused at authentication (the hook would sign wrong).
#   scripts/schemathesis.sh                    the debug build (.build/debug/bms-central)
#   BMS_CENTRAL=path/to/bms-central scripts/schemathesis.sh
#   SCHEMATHESIS_MAX_EXAMPLES=N                examples per operation and kind (default 150: ~45 s on 2
#                                              idle cores, ~1.5 min under load)
#   SCHEMATHESIS_SEED=N                        replay a run (the seed is printed)
#   SCHEMATHESIS_ARGS="…"                      more options for `schemathesis run`
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${BMS_CENTRAL:-.build/debug/bms-central}"
examples="${SCHEMATHESIS_MAX_EXAMPLES:-150}"
seed="${SCHEMATHESIS_SEED:-$RANDOM}"
venv="${SCHEMATHESIS_VENV:-.build-venv/schemathesis}"
# Pinned, with everything it pulls in (scripts/schemathesis/requirements.txt):
# the CLI's options and the hooks changed in 4.x; 3.x reads OpenAPI 3.1 as an
# experiment (--experimental=openapi-3.1); hypothesis-jsonschema breaks on
# hypothesis releases after 6.122.
requirements="scripts/schemathesis/requirements.txt"
version="$(sed -n 's/^schemathesis==//p' "$requirements")"
hypothesis="$(sed -n 's/^hypothesis==//p' "$requirements")"

[ -x "$bin" ] || { echo "schemathesis: $bin is not built (swift build --product bms-central, or BMS_CENTRAL=…)"; exit 1; }
if ! "$venv/bin/python" -c "import schemathesis, hypothesis, cryptography
assert (schemathesis.__version__, hypothesis.__version__) == ('$version', '$hypothesis')" 2>/dev/null; then
  echo "schemathesis: making $venv (schemathesis $version from PyPI)"
  python3 -m venv "$venv" || { echo "schemathesis: python3 -m venv failed: apt-get install python3-venv (scripts/install-deps.sh test)"; exit 1; }
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"
fi

work="$(mktemp -d)"
central=""
cleanup() {
  if [ -n "$central" ] && kill -0 "$central" 2>/dev/null; then
    kill -TERM "$central" 2>/dev/null || true
    wait "$central" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# A private store with the demo foyers and a test kiosk of its own.
store="sqlite:$work/central.sqlite"
"$bin" kiosk add schemathesis-01 --store "$store" --key-dir "$work" >/dev/null
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$bin" serve --store "$store" --demo-data --listen "127.0.0.1:$port" --sms "log:$work/sms.log" >"$work/central.log" 2>&1 &
central=$!
for _ in $(seq 1 300); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$central" 2>/dev/null || { echo "schemathesis: bms-central did not start:"; cat "$work/central.log"; exit 1; }
  sleep 0.1
done

echo "schemathesis $version: $examples examples per operation, seed $seed, bms-central on 127.0.0.1:$port"
set +e
BMS_KIOSK_KEY="$work/schemathesis-01.kiosk-key.json" PYTHONPATH="scripts/schemathesis" SCHEMATHESIS_HOOKS=hooks \
  timeout --signal=TERM --kill-after=10s 600 \
  "$venv/bin/schemathesis" run --no-color docs/central-openapi.yaml \
    --base-url "http://127.0.0.1:$port" --experimental=openapi-3.1 \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection,signed_as_a_kiosk -D all ${SCHEMATHESIS_ARGS:-} \
    --hypothesis-max-examples "$examples" --hypothesis-seed "$seed" --hypothesis-deadline 60000 \
    --hypothesis-suppress-health-check all --request-timeout 20000 --workers 1 --show-trace 2>&1 | tail -n 60
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  echo "schemathesis: FAILED (exit $status; seed $seed). bms-central's log, last lines:"
  tail -n 30 "$work/central.log"
  exit 1
fi
echo "schemathesis: passed (no 5xx, every response as the OpenAPI document says)"
