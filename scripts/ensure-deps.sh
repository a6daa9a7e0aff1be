#!/usr/bin/env bash
# Everything the project needs, installed by the project: npm packages, the build, and the Debian DNS server
# (knot) the tests start on loopback. Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "mailtrace: installing npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi

newest_src=$(find src package.json scripts/build.mjs -newer dist/cli.mjs 2>/dev/null | head -n 1 || true)
if [ ! -f dist/cli.mjs ] || [ -n "$newest_src" ]; then
  echo "mailtrace: building" >&2
  node scripts/build.mjs
fi

if [ "${1:-}" = "--with-knot" ] && ! command -v knotd >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "mailtrace: installing the knot DNS server for the tests (apt-get install knot)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends knot >/dev/null
  else
    echo "mailtrace: the tests need the knot DNS server (Debian package 'knot'): run 'sudo apt-get install knot'" >&2
    exit 1
  fi
fi
