#!/usr/bin/env bash
# The mail lab: three real Postfix instances, an OpenDKIM signer and an authoritative knot server in a network
# namespace on loopback, to produce real MTA-written messages for fixtures/lab/. Root only; not part of CI (it needs
# a netns, ports 25 and 53, and takes ~10 s to start). Packages: lab/install.sh.
#
#   host                  address         software             role
#   ns.lab.test           10.25.0.53:53   knot (as nobody)     authoritative DNS for every lab zone; every daemon's resolver
#   ws.example.test       10.25.0.1       swaks                alice's workstation, submits to the MSA
#   mail.example.test     10.25.0.2:25    Postfix + OpenDKIM   the sender's MSA: signs d=example.test s=mta, relayhost = [relay.openrelay.test]
#                         10.25.0.2:587   (same instance)      a second listener whose mail goes straight to the rcpt.test MX
#   relay.openrelay.test  10.25.0.3:25    Postfix              an OPEN relay (mynetworks = 0.0.0.0/0), delivers by MX lookup
#   mx.rcpt.test          10.25.0.4:25    Postfix              MX of rcpt.test, delivers to one virtual Maildir
#   mail.evil.test        10.25.0.5       swaks                the attacker
# All addresses live on the loopback interface of netns "mtalab"; the OpenDKIM milter listens on 127.0.0.1:8891.
#
# Usage: lab/lab.sh up | down | status
#        lab/lab.sh send-legit | send-spoof | send-direct-spoof | send-direct-legit   (each waits for delivery)
#        lab/lab.sh collect [case...]     copy the delivered messages to fixtures/lab/<case>/ and record their DNS
#        lab/lab.sh regenerate            up, all four sends, collect, down
# State lives in $LAB_DIR (default /var/lib/mailtrace-lab); the host's own network and /etc are not changed.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LAB_DIR=${LAB_DIR:-/var/lib/mailtrace-lab}
NS=mtalab
# The lab's /24, on the namespace's loopback interface. Not 127.0.0.x: a loopback client is "this very host" to any
# hop-chain analysis (a content filter handing mail back to its own MTA), so every hop would count as the receiver's
# own and there would be no trust boundary. Not the RFC 5737 documentation nets either: those belong to no machine,
# and a hop from one is itself a forgery sign. A private net is what a real company's relays use, and the analysis
# is told which host is the receiver's (--trust mx.rcpt.test), so nothing else is trusted by address.
export LAB_NET=${LAB_NET:-10.25.0}
DNS_IP=$LAB_NET.53
WS_IP=$LAB_NET.1 MSA_IP=$LAB_NET.2 RELAY_IP=$LAB_NET.3 MX_IP=$LAB_NET.4 EVIL_IP=$LAB_NET.5
IFS=. read -r _a _b _c <<<"$LAB_NET"
REV_ZONE=$_c.$_b.$_a.in-addr.arpa
INSTANCES=(msa relay mx)
CASES=(legit-relay spoof-relay spoof-direct legit-direct)

log() { printf 'lab: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
ms() { date +%s%3N; }
# Run a command inside the lab: its network namespace, with a private mount namespace in which /etc/resolv.conf
# points at the lab's knot (libc's resolver only speaks to port 53, so this is how Postfix and swaks find the lab
# DNS). `ip netns exec` gives each command its own mount namespace, so the bind mount dies with it and the host's
# resolv.conf is never touched.
in_lab() {
  ip netns exec "$NS" sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$LAB_DIR/resolv.conf" "$@"
}

# ---------------------------------------------------------------------------------------------------------------
# Configuration: written fresh by every `up` (only the DKIM key is kept, so a key change is deliberate).

write_zones() {
  local z=$LAB_DIR/dns pub
  mkdir -p "$z/db"
  # opendkim-genkey writes the TXT record as several quoted strings; keep the p= value only and split it ourselves.
  pub=$(tr -d '\n\t' <"$LAB_DIR/dkim/mta.txt" | sed -E 's/.*\( *//; s/ *\).*//; s/" *"//g; s/"//g; s/.*p=//')
  local soa='@ IN SOA ns.lab.test. hostmaster.lab.test. ( 1 3600 600 86400 300 )
@ IN NS ns.lab.test.'
  cat >"$z/lab.test.zone" <<EOF
\$ORIGIN lab.test.
\$TTL 300
$soa
ns IN A $DNS_IP
EOF
  # The sender: only its MSA may send for it (SPF), it signs (DKIM), and it asks receivers to reject failures (DMARC).
  cat >"$z/example.test.zone" <<EOF
\$ORIGIN example.test.
\$TTL 300
$soa
@ IN MX 10 mail
mail IN A $MSA_IP
ws IN A $WS_IP
@ IN TXT "v=spf1 ip4:$MSA_IP -all"
mail IN TXT "v=spf1 a -all"
_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.test"
mta._domainkey IN TXT ( "v=DKIM1; h=sha256; k=rsa; p=${pub:0:200}" "${pub:200}" )
EOF
  # A third party: neither the sender's nor the recipient's. Its own SPF covers its relay (HELO and bounces).
  cat >"$z/openrelay.test.zone" <<EOF
\$ORIGIN openrelay.test.
\$TTL 300
$soa
@ IN MX 10 relay
relay IN A $RELAY_IP
@ IN TXT "v=spf1 a:relay.openrelay.test -all"
relay IN TXT "v=spf1 a -all"
EOF
  cat >"$z/rcpt.test.zone" <<EOF
\$ORIGIN rcpt.test.
\$TTL 300
$soa
@ IN MX 10 mx
mx IN A $MX_IP
@ IN TXT "v=spf1 mx -all"
mx IN TXT "v=spf1 a -all"
_dmarc IN TXT "v=DMARC1; p=none"
EOF
  cat >"$z/evil.test.zone" <<EOF
\$ORIGIN evil.test.
\$TTL 300
$soa
@ IN MX 10 mail
mail IN A $EVIL_IP
@ IN TXT "v=spf1 ip4:$EVIL_IP -all"
mail IN TXT "v=spf1 a -all"
EOF
  # Forward-confirmed reverse DNS for every host, so smtpd writes "helo (rdns [ip])" as it would on the Internet.
  cat >"$z/$REV_ZONE.zone" <<EOF
\$ORIGIN $REV_ZONE.
\$TTL 300
$soa
1 IN PTR ws.example.test.
2 IN PTR mail.example.test.
3 IN PTR relay.openrelay.test.
4 IN PTR mx.rcpt.test.
5 IN PTR mail.evil.test.
53 IN PTR ns.lab.test.
EOF
  # The TLD itself, so a DMARC organisational-domain walk (_dmarc.test) gets NXDOMAIN, as _dmarc.com does, not REFUSED.
  cat >"$z/test.zone" <<EOF
\$ORIGIN test.
\$TTL 300
$soa
EOF
  # knot's YAML parser rejects flow style: keep the config in block style.
  cat >"$z/knot.conf" <<EOF
server:
    rundir: "$z"
    listen: $DNS_IP@53
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
log:
  - target: stderr
    any: notice
database:
    storage: "$z/db"
template:
  - id: default
    storage: "$z"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
  - domain: lab.test
  - domain: example.test
  - domain: openrelay.test
  - domain: rcpt.test
  - domain: evil.test
  - domain: test
  - domain: $REV_ZONE
EOF
  chown -R nobody:nogroup "$z"
  printf 'nameserver %s\noptions timeout:1 attempts:2\n' "$DNS_IP" >"$LAB_DIR/resolv.conf"
}

write_dkim() {
  local d=$LAB_DIR/dkim
  mkdir -p "$d"
  [[ -f $d/mta.private ]] || opendkim-genkey -b 2048 -d example.test -s mta -D "$d"
  chown -R opendkim:opendkim "$d"
  chmod 700 "$d"
  chmod 600 "$d/mta.private"
  # Mail from these clients is signed: the workstation (and the MSA itself, for bounces).
  printf '127.0.0.1\n%s\n%s\n' "$WS_IP" "$MSA_IP" >"$d/internal-hosts"
  cat >"$LAB_DIR/opendkim.conf" <<EOF
Mode sv
Domain example.test
Selector mta
KeyFile $d/mta.private
Socket inet:8891@127.0.0.1
InternalHosts $d/internal-hosts
UserID opendkim:opendkim
PidFile $LAB_DIR/opendkim.pid
Syslog no
Canonicalization relaxed/relaxed
EOF
}

# master.cf: the services a small MTA needs, without chroot (the instance dirs are not chroot jails).
write_master_cf() { # $1 dir, $2 ip, $3 extra lines
  cat >"$1/master.cf" <<EOF
$2:25 inet n - n - - smtpd
pickup    unix  n - n 60   1 pickup
cleanup   unix  n - n -    0 cleanup
qmgr      unix  n - n 300  1 qmgr
rewrite   unix  - - n -    - trivial-rewrite
bounce    unix  - - n -    0 bounce
defer     unix  - - n -    0 bounce
trace     unix  - - n -    0 bounce
verify    unix  - - n -    1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -    - proxymap
smtp      unix  - - n -    - smtp
relay     unix  - - n -    - smtp
showq     unix  n - n -    - showq
error     unix  - - n -    - error
retry     unix  - - n -    - error
discard   unix  - - n -    - discard
virtual   unix  - n n -    - virtual
anvil     unix  - - n -    1 anvil
scache    unix  - - n -    1 scache
postlog   unix-dgram n - n - 1 postlogd
$3
EOF
}

write_postfix() { # $1 instance, $2 ip, $3 hostname, $4 extra main.cf, $5 extra master.cf
  local d=$LAB_DIR/$1
  mkdir -p "$d/etc" "$d/spool" "$d/data"
  chown postfix:postfix "$d/data" # master.lock lives here; master fails with EACCES otherwise
  cat >"$d/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $d/spool
data_directory = $d/data
# No syslog in the lab: Postfix would fail silently writing to /dev/log.
maillog_file = $d/maillog
maillog_file_prefixes = $LAB_DIR
myhostname = $3
mydomain = ${3#*.}
myorigin = \$mydomain
inet_interfaces = $2
inet_protocols = ipv4
smtp_bind_address = $2
mydestination =
alias_maps =
alias_database =
local_recipient_maps =
biff = no
smtpd_banner = \$myhostname ESMTP \$mail_name
smtp_tls_security_level = none
smtpd_tls_security_level = none
$4
EOF
  write_master_cf "$d/etc" "$2" "${5:-}"
}

write_config() {
  mkdir -p "$LAB_DIR"
  chmod 755 "$LAB_DIR" # OpenDKIM refuses a config or key under a directory others can write
  write_dkim
  write_zones
  # The MSA signs everything its workstation submits and hands it to the open relay. Port 587 has the same
  # milter but a content filter that delivers straight to rcpt.test's MX (the direct, no-relay case).
  write_postfix msa "$MSA_IP" mail.example.test \
"mynetworks = $WS_IP/32 $MSA_IP/32
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_milters = inet:127.0.0.1:8891
non_smtpd_milters = \$smtpd_milters
milter_default_action = tempfail
relayhost = [relay.openrelay.test]" \
"$MSA_IP:587 inet n - n - - smtpd
  -o content_filter=smtp:rcpt.test"
  # The open relay. Postfix refuses smtpd_relay_restrictions = permit outright (and then throttles smtpd for 60 s),
  # so "everyone is my network" is how an open relay is configured here.
  write_postfix relay "$RELAY_IP" relay.openrelay.test \
"mynetworks = 0.0.0.0/0
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination"
  write_postfix mx "$MX_IP" mx.rcpt.test \
"mynetworks = $MX_IP/32
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
virtual_mailbox_domains = rcpt.test
virtual_mailbox_base = $LAB_DIR/mx/mail
virtual_mailbox_maps = static:rcpt.test/Maildir/
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534"
  mkdir -p "$LAB_DIR/mx/mail"
  chown nobody:nogroup "$LAB_DIR/mx/mail"
}

# ---------------------------------------------------------------------------------------------------------------
# Start and stop.

wait_for() { # $1 what, $2.. a command that succeeds when ready
  local what=$1 i
  shift
  for ((i = 0; i < 300; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  die "$what did not come up"
}

up() {
  local t0
  command -v postfix >/dev/null && command -v opendkim >/dev/null && command -v swaks >/dev/null ||
    die "packages missing: run lab/install.sh"
  ip netns list | grep -qw "$NS" && die "netns $NS exists: run lab/lab.sh down first"
  write_config
  t0=$(ms)
  ip netns add "$NS"
  ip -n "$NS" link set lo up
  for ip in $WS_IP $MSA_IP $RELAY_IP $MX_IP $EVIL_IP $DNS_IP; do ip -n "$NS" addr add "$ip/32" dev lo; done
  # Per-netns: lets knot bind port 53 as nobody inside the lab only.
  ip netns exec "$NS" sysctl -qw net.ipv4.ip_unprivileged_port_start=0
  rm -f "$LAB_DIR/dns/knot.pid"
  # setpriv, not runuser: runuser stays as the parent and SIGKILLs the server 2 s after a SIGTERM.
  ip netns exec "$NS" setsid setpriv --reuid=nobody --regid=nogroup --clear-groups \
    knotd -c "$LAB_DIR/dns/knot.conf" >"$LAB_DIR/dns/knotd.log" 2>&1 </dev/null &
  echo $! >"$LAB_DIR/knotd.pid"
  wait_for "knot" ip netns exec "$NS" kdig @"$DNS_IP" +tcp +short +timeout=1 +retry=0 SOA example.test
  log "dns ready in $(($(ms) - t0)) ms"
  in_lab opendkim -x "$LAB_DIR/opendkim.conf"
  wait_for "opendkim" test -s "$LAB_DIR/opendkim.pid"
  for i in "${INSTANCES[@]}"; do
    in_lab postfix -c "$LAB_DIR/$i/etc" start ||
      die "postfix $i did not start; see $LAB_DIR/$i/maillog (or: script -qc 'postfix -c $LAB_DIR/$i/etc check' /dev/null)"
  done
  log "all up in $(($(ms) - t0)) ms"
}

# A zombie (exited, not yet reaped by its parent) counts as gone.
alive() {
  local st
  st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ $st != Z* ]]
}

kill_pidfile() { # $1 pid file
  local pid
  [[ -s $1 ]] || return 0
  pid=$(head -n1 "$1" | tr -dc 0-9)
  rm -f "$1"
  [[ -n $pid ]] && kill "$pid" 2>/dev/null || return 0
  # Wait for it to go, so `down; up` never finds the old daemon still holding its port.
  for ((i = 0; i < 100; i++)); do
    alive "$pid" || return 0
    sleep 0.05
  done
  log "pid $pid (from $1) still running after 5 s"
}

down() {
  for i in "${INSTANCES[@]}"; do
    [[ -f $LAB_DIR/$i/etc/main.cf ]] && ip netns list | grep -qw "$NS" && in_lab postfix -c "$LAB_DIR/$i/etc" stop 2>/dev/null || true
  done
  kill_pidfile "$LAB_DIR/opendkim.pid"
  kill_pidfile "$LAB_DIR/knotd.pid"
  rm -f "$LAB_DIR/dns/knot.pid"
  ip netns list | grep -qw "$NS" && ip netns delete "$NS" || true
  log "down"
}

status() {
  ip netns list | grep -qw "$NS" || { echo "lab is down"; return 0; }
  ip netns exec "$NS" ss -ltnp
}

# ---------------------------------------------------------------------------------------------------------------
# Sending: swaks with a fixed body per case; each send waits until the MX has delivered it.

maildir() { echo "$LAB_DIR/mx/mail/rcpt.test/Maildir"; }
# Newest delivered file whose Subject is $1 (nothing when none yet).
delivered_with_subject() {
  local files
  files=$(grep -l -F -x -- "Subject: $1" "$(maildir)"/new/* 2>/dev/null || true)
  [[ -n $files ]] && ls -t $files | head -n1 || true
}

message_text() { # $1 case, $2 From header, $3 Message-ID host, $4 subject
  printf 'Date: %s\r\nFrom: %s\r\nTo: Bob <bob@rcpt.test>\r\nSubject: %s\r\nMessage-ID: <%s.%s@%s>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n%s\r\n' \
    "$(LC_ALL=C date -R)" "$2" "$4" "$(date +%Y%m%d%H%M%S)" "$1" "$3" \
    "Lab case $1. Please review the attached invoice and confirm the payment details today."
}

send() { # $1 case, $2 client ip, $3 helo, $4 server ip:port, $5 From header, $6 Message-ID host, $7 subject
  local case=$1 before file t0
  ip netns list | grep -qw "$NS" || die "the lab is down: run lab/lab.sh up"
  t0=$(ms)
  before=$(delivered_with_subject "$7")
  message_text "$case" "$5" "$6" "$7" >"$LAB_DIR/$case.txt"
  in_lab swaks --silent 2 --local-interface "$2" --helo "$3" --server "${4%:*}" --port "${4#*:}" \
    --from alice@example.test --to bob@rcpt.test --data "@$LAB_DIR/$case.txt"
  for ((i = 0; i < 200; i++)); do
    file=$(delivered_with_subject "$7")
    [[ -n $file && $file != "$before" ]] && break
    sleep 0.05
  done
  [[ -n $file && $file != "$before" ]] || die "$case: not delivered after 10 s; see $LAB_DIR/*/maillog"
  echo "$file" >"$LAB_DIR/$case.delivered"
  log "$case delivered in $(($(ms) - t0)) ms: $(cat "$LAB_DIR/$case.delivered")"
}

subject_of() {
  case $1 in
    legit-relay) echo "Invoice 1001 (lab legit-relay)" ;;
    spoof-relay) echo "Invoice 1002 (lab spoof-relay)" ;;
    spoof-direct) echo "Invoice 1003 (lab spoof-direct)" ;;
    legit-direct) echo "Invoice 1004 (lab legit-direct)" ;;
    *) die "unknown case $1" ;;
  esac
}

send_legit() { send legit-relay "$WS_IP" ws.example.test "$MSA_IP:25" 'Alice <alice@example.test>' mail.example.test "$(subject_of legit-relay)"; }
send_direct_legit() { send legit-direct "$WS_IP" ws.example.test "$MSA_IP:587" 'Alice <alice@example.test>' mail.example.test "$(subject_of legit-direct)"; }
# The attacker claims to be the sender's MSA in HELO and puts a brand's address in the display name.
send_spoof() { send spoof-relay "$EVIL_IP" mail.example.test "$RELAY_IP:25" '"paypal@paypal.com" <alice@example.test>' mail.evil.test "$(subject_of spoof-relay)"; }
send_direct_spoof() { send spoof-direct "$EVIL_IP" mail.example.test "$MX_IP:25" '"paypal@paypal.com" <alice@example.test>' mail.evil.test "$(subject_of spoof-direct)"; }

# ---------------------------------------------------------------------------------------------------------------
# Collecting: the delivered file as is, and the DNS answers mailtrace used, recorded from the lab's knot.

collect() {
  local cases=("$@") c src out
  ((${#cases[@]})) || cases=("${CASES[@]}")
  [[ -f $REPO/dist/cli.mjs ]] || die "build first: npm run build"
  for c in "${cases[@]}"; do
    [[ -s $LAB_DIR/$c.delivered ]] || die "$c: nothing delivered yet (lab/lab.sh send-...)"
    src=$(cat "$LAB_DIR/$c.delivered")
    out=$REPO/fixtures/lab/$c
    mkdir -p "$out"
    cp "$src" "$out/message.eml"
    chmod 644 "$out/message.eml"
    # What this build of mailtrace asks, then every lab question an analysis may ask (lab/dns-snapshot.ts says why).
    # Exit codes 0-2 are verdicts; anything else is a failure of the run itself.
    local rc=0
    rm -f "$LAB_DIR/$c.cli-dns.json"
    # The file first: --trust takes a list and would swallow it.
    ip netns exec "$NS" node "$REPO/bin/mailtrace.cjs" "$out/message.eml" --dns-server "$DNS_IP" \
      --dns-record "$LAB_DIR/$c.cli-dns.json" --trust mx.rcpt.test --json >"$LAB_DIR/$c.report.json" || rc=$?
    ((rc <= 2)) || die "$c: mailtrace exited $rc"
    local seen=()
    [[ -s $LAB_DIR/$c.cli-dns.json ]] && seen=("$LAB_DIR/$c.cli-dns.json")
    (cd "$REPO" && ip netns exec "$NS" node --import tsx lab/dns-snapshot.ts "$out/dns.json" "${seen[@]}")
    log "$c: fixtures/lab/$c/{message.eml,dns.json} (verdict exit $rc)"
  done
}

regenerate() {
  trap down EXIT
  up
  send_legit
  send_spoof
  send_direct_spoof
  send_direct_legit
  collect
}

[[ $(id -u) == 0 ]] || die "run as root (netns, port 25)"
case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  send-legit) send_legit ;;
  send-spoof) send_spoof ;;
  send-direct-spoof) send_direct_spoof ;;
  send-direct-legit) send_direct_legit ;;
  collect) shift; collect "$@" ;;
  regenerate) regenerate ;;
  *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 64 ;;
esac
