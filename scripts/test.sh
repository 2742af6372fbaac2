#!/usr/bin/env bash
# The test command: installs what is missing, builds, runs every test.
# Tests start their own servers (pcscd + virtual reader, PostgreSQL, Kannel)
# on loopback through the project's harness modules, and stop them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test

# The domain builds alone: no other module is needed for the rules.
swift build --target Domain

set +e
swift test 2>&1
status=$?
set -e
exit "$status"
