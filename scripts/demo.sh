#!/usr/bin/env bash
# The demo: analyse the bundled sample with its recorded DNS, so it works offline on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
set +e
if [ -f fixtures/sample/dns.json ]; then
  node bin/mailtrace.cjs --dns-replay fixtures/sample/dns.json "$@" fixtures/sample/message.eml
else
  node bin/mailtrace.cjs --offline "$@" fixtures/sample/message.eml
fi
code=$?
echo "(exit code $code: 0 pass, 1 suspicious, 2 forged)" >&2
exit 0
