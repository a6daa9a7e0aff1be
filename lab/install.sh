#!/usr/bin/env bash
# Install the mail lab's Debian packages (run as root, once per machine).
# Postfix is installed with debconf "No configuration": the lab's three instances each get their own config dir
# (postfix -c DIR works as root without /etc/postfix/main.cf), so the system MTA setup stays untouched.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
need=()
for p in postfix opendkim opendkim-tools knot knot-dnsutils swaks iproute2 util-linux; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if ((${#need[@]})); then
  apt-get update -qq
  apt-get install -y --no-install-recommends "${need[@]}"
fi
echo "lab packages installed: postfix opendkim opendkim-tools knot knot-dnsutils swaks"
