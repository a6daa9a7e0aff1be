#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what is missing, builds, type-checks, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh --with-knot --with-filters --with-pty
node node_modules/typescript/bin/tsc -p tsconfig.json
mapfile -t files < <(find test -name '*.test.ts' | sort)
node --import tsx --test --test-reporter="${TEST_REPORTER:-spec}" "${files[@]}"
bash scripts/node-matrix.sh
