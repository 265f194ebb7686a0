#!/usr/bin/env bash
# The whole test suite: lint, format, types, unit/component tests and the
# browser tests against the local sandbox EHR. The README and .ci/run both call
# this (as `npm test`). Ends with one plain line: "tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$1"; }
failed=0

step "lint and format"
npx eslint . || failed=1
npx prettier --check . || failed=1

step "types"
npx tsc -b || failed=1

step "browser for end-to-end tests"
bash scripts/ensure-chromium.sh || failed=1

step "tests (unit, components, end-to-end)"
mkdir -p .cache
npx vitest run --reporter=default --reporter=json --outputFile=.cache/vitest-results.json || failed=1

node scripts/print-test-summary.mjs .cache/vitest-results.json || failed=1
exit $failed
