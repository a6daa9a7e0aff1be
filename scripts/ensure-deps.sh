#!/usr/bin/env bash
# Everything the project needs, installed by the project: npm packages, the build, and the Debian tools the tests
# and the benchmark run for real. Safe to run again: each step is skipped when already done.
#   --with-knot      the knot DNS server the tests start on loopback
#   --with-filters   procmail, maildrop, postfix and Dovecot's sieve-test, which the mail-filter tests deliver through
#   --with-bench     hyperfine, which the benchmark times the cold start with
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "mailtrace: installing npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi

newest_src=$(find src package.json scripts/build.mjs scripts/build-config.mjs -newer dist/fast.cjs 2>/dev/null | head -n 1 || true)
if [ ! -f dist/fast.cjs ] || [ -n "$newest_src" ]; then
  echo "mailtrace: building" >&2
  node scripts/build.mjs
fi

# Debian packages: "command package" pairs, installed as root through apt-get when the command is missing.
wanted=()
for flag in "$@"; do
  case "$flag" in
    --with-knot) wanted+=("knotd knot") ;;
    --with-filters) wanted+=("procmail procmail" "maildrop maildrop" "postfix postfix" "sieve-test dovecot-sieve") ;;
    --with-bench) wanted+=("hyperfine hyperfine") ;;
    --with-pty) wanted+=("script bsdutils") ;; # util-linux script: runs a scan on a real terminal (progress test)
    *) echo "mailtrace: ensure-deps: unknown option $flag" >&2; exit 64 ;;
  esac
done
missing=()
for pair in ${wanted[@]+"${wanted[@]}"}; do
  # shellcheck disable=SC2086
  set -- $pair
  command -v "$1" >/dev/null 2>&1 || missing+=("$2")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "mailtrace: installing Debian packages the tests need: ${missing[*]} (apt-get install)" >&2
    export DEBIAN_FRONTEND=noninteractive
    # postfix: no system MTA configuration; the Postfix test runs a private instance of its own.
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "mailtrace: missing Debian packages: ${missing[*]}: run 'sudo apt-get install ${missing[*]}'" >&2
    exit 1
  fi
fi
