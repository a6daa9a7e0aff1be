// The README's Postfix recipe (content_filter + pipe + the mailtrace-postfix wrapper), run for real: a private Postfix
// instance (Debian's postfix, installed by scripts/ensure-deps.sh --with-filters) under a temporary directory, its
// master.cf and wrapper taken from the README's own text, mail submitted over SMTP on a UNIX socket (no network
// listener, no port), delivered by virtual(8) into a temporary Maildir that the test reads back.
//
// Why a private mount namespace: the wrapper re-injects with /usr/sbin/sendmail, which hands the message to the
// set-gid postdrop. A set-gid Postfix program trusts a non-default configuration directory (MAIL_CONFIG, which pipe
// exports) only when the default main.cf lists it in alternate_config_directories ("postdrop: fatal: open file
// /etc/postfix/main.cf"). The test must not touch /etc/postfix, so the instance runs in a mount namespace whose
// /etc/postfix is a copy with that one line; the namespace ends with the instance's last process.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { cliForNobody } from '../helpers/as-nobody.js';

const SAMPLE = readFileSync('fixtures/sample/message.eml');
const NOBODY = 65534; // pipe(8) refuses root and the mail owner, virtual(8) uids below 100: filter and deliver as nobody
// The wrapper runs as nobody: node and the CLI where nobody can read them (a copy when the checkout is private).
const CLI = cliForNobody();
const WAIT_MS = 20_000;
const ADDED = /^Authentication-Results: mx\.test; none\nX-Mailtrace-Verdict: (pass|suspicious|forged)\nX-Mailtrace-Score: \d+\nX-Mailtrace-Findings: [^\n]+\n/;

// ---------------------------------------------------------------------------------------------------------------
// The README's text, with the site's paths replaced by the test's.

function readmeBlocks(): { masterCf: string; wrapper: string } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('### Postfix (`content_filter` with `pipe`)');
  assert.ok(start >= 0, 'README.md has the Postfix section');
  const section = readme.slice(start, readme.indexOf('\n### ', start + 1));
  const blocks = [...section.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  assert.equal(blocks.length, 2, 'the Postfix section has a master.cf block and the wrapper script');
  return { masterCf: blocks[0] ?? '', wrapper: blocks[1] ?? '' };
}

/** Replace exactly one occurrence, so the test fails loudly when the README's recipe changes under it. */
function substitute(text: string, from: string | RegExp, to: string): string {
  const count = typeof from === 'string' ? text.split(from).length - 1 : (text.match(new RegExp(from, 'gm')) ?? []).length;
  assert.equal(count, 1, `the README recipe contains ${String(from)} once`);
  return text.replace(from, to);
}

// ---------------------------------------------------------------------------------------------------------------
// The instance.

const DIR = mkdtempSync(join(tmpdir(), 'mailtrace-postfix-'));
const ETC = join(DIR, 'etc');
const SPOOL = join(DIR, 'spool');
const MAILLOG = join(DIR, 'maillog');
const MAILDIR = join(DIR, 'mail', 'Maildir', 'new');
let namespace: string | undefined; // the mount namespace the instance's processes live in

function maillog(): string {
  return existsSync(MAILLOG) ? readFileSync(MAILLOG, 'utf8') : '(no maillog)';
}

function run(command: string, args: string[]) {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  assert.ok(!r.error, `${command} must be installed (bash scripts/ensure-deps.sh --with-filters): ${r.error?.message}`);
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const BASE_SERVICES = `pickup    unix  n - n 60   1 pickup
cleanup   unix  n - n -    0 cleanup
qmgr      unix  n - n 300  1 qmgr
rewrite   unix  - - n -    - trivial-rewrite
bounce    unix  - - n -    0 bounce
defer     unix  - - n -    0 bounce
trace     unix  - - n -    0 bounce
verify    unix  - - n -    1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -    - proxymap
showq     unix  n - n -    - showq
error     unix  - - n -    - error
retry     unix  - - n -    - error
discard   unix  - - n -    - discard
virtual   unix  - n n -    - virtual
anvil     unix  - - n -    1 anvil
scache    unix  - - n -    1 scache
postlog   unix-dgram n - n - 1 postlogd
# Unfiltered mail, to see what Postfix itself adds.
plain     unix  n - n -    - smtpd
`;

function writeInstance(): void {
  chmodSync(DIR, 0o755); // pipe runs the wrapper as nobody
  for (const d of ['etc', 'spool', 'data', 'bin', 'default', 'mail']) mkdirSync(join(DIR, d));
  chownSync(join(DIR, 'data'), ...postfixIds()); // master.lock; master fails with EACCES otherwise
  chownSync(join(DIR, 'mail'), NOBODY, NOBODY);
  writeFileSync(join(ETC, 'main.cf'), `compatibility_level = 3.6
queue_directory = ${SPOOL}
data_directory = ${DIR}/data
# Without syslog Postfix fails silently: log to a file (postlogd).
maillog_file = ${MAILLOG}
maillog_file_prefixes = ${DIR}
myhostname = mx.test
mydomain = test
inet_interfaces = loopback-only
inet_protocols = ipv4
mydestination =
alias_maps =
alias_database =
local_recipient_maps =
biff = no
virtual_mailbox_domains = rcpt.test
virtual_mailbox_base = ${DIR}/mail
virtual_mailbox_maps = static:Maildir/
virtual_uid_maps = static:${NOBODY}
virtual_gid_maps = static:${NOBODY}
`);

  const { masterCf, wrapper } = readmeBlocks();
  const bin = join(DIR, 'bin');
  // The filter as the README runs it; `filter` must not be root nor the mail owner, and nobody exists everywhere.
  let master = substitute(masterCf, 'user=filter', 'user=nobody');
  master = substitute(master, '/usr/local/bin/mailtrace-postfix', `${bin}/mailtrace-postfix`);
  // The README's public smtpd, here on a UNIX socket (spool/public/filtered) and not chrooted (no jail here).
  master = substitute(master, /^smtp +inet +n +- +y +- +- +smtpd$/m, 'filtered  unix  n       -       n       -       -       smtpd');
  // Two failing filters, the README's service otherwise: the analysis fails, or the mailtrace binary is missing.
  const pipeService = master.slice(master.indexOf('mailtrace unix'), master.indexOf('filtered '));
  const failing = (name: string, argvPrefix: string, wrapperName: string) =>
    pipeService
      .replace(/^mailtrace /, `${name} `)
      .replace(`argv=${bin}/mailtrace-postfix`, `argv=${argvPrefix}${bin}/${wrapperName}`) +
    `${name}-in unix  n - n - - smtpd\n  -o content_filter=${name}:dummy\n`;
  master += failing('mailtrace-fault', '/usr/bin/env MAILTRACE_FILTER_FAULT=throw ', 'mailtrace-postfix');
  master += failing('mailtrace-missing', '', 'mailtrace-postfix-missing');
  writeFileSync(join(ETC, 'master.cf'), BASE_SERVICES + master);

  const filterCommand = `${CLI.node} ${CLI.bin} filter --offline`;
  let script = substitute(wrapper, 'mailtrace filter', filterCommand);
  script = substitute(script, '--authserv-id mx.example.org', '--authserv-id mx.test');
  writeFileSync(join(bin, 'mailtrace-postfix'), script, { mode: 0o755 });
  writeFileSync(join(bin, 'mailtrace-postfix-missing'), script.replace(filterCommand, `${bin}/no-such-mailtrace filter`), { mode: 0o755 });

  // The namespace's /etc/postfix: Debian's files (postfix-files, post-install...) and a main.cf that trusts ETC.
  cpSync('/etc/postfix', join(DIR, 'default'), { recursive: true });
  writeFileSync(join(DIR, 'default', 'main.cf'), `alternate_config_directories = ${ETC}\n`);
}

function postfixIds(): [number, number] {
  const r = run('id', ['postfix']);
  const uid = /uid=(\d+)/.exec(r.out)?.[1];
  const gid = /gid=(\d+)/.exec(r.out)?.[1];
  assert.ok(uid && gid, `the postfix user exists (apt-get install postfix): ${r.out}`);
  return [Number(uid), Number(gid)];
}

function masterPid(): number | undefined {
  const file = join(SPOOL, 'pid', 'master.pid');
  const pid = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : NaN;
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Processes in the instance's mount namespace: the master and every child it started. */
function instanceProcesses(): number[] {
  if (!namespace) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/ns/mnt`) === namespace) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

async function waitFor<T>(what: string, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`${what}: not after ${WAIT_MS / 1000} s; maillog:\n${maillog()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

before(() => {
  assert.equal(process.getuid?.(), 0, 'this test starts a private Postfix instance: run it as root (as CI does)');
  writeInstance();
  const r = run('unshare', ['--mount', '--propagation', 'private', 'sh', '-c',
    'mount --bind "$0" /etc/postfix && exec postfix -c "$1" start', join(DIR, 'default'), ETC]);
  assert.equal(r.code, 0, `postfix start: ${r.out}\nmaillog:\n${maillog()}`);
  const pid = masterPid();
  assert.ok(pid, `the master runs: ${maillog()}`);
  namespace = readlinkSync(`/proc/${pid}/ns/mnt`);
  assert.notEqual(namespace, readlinkSync('/proc/self/ns/mnt'), 'the instance has its own mount namespace');
});

after(async () => {
  CLI.cleanup();
  try {
    if (masterPid()) run('postfix', ['-c', ETC, 'stop']);
    const deadline = Date.now() + 10_000;
    while (instanceProcesses().length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    // Still there after an orderly stop: end them, by their ids.
    for (const pid of instanceProcesses()) process.kill(pid, 'SIGKILL');
  } finally {
    rmSync(DIR, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// SMTP over the instance's UNIX socket.

/** One SMTP transaction; returns the queue id from "250 2.0.0 Ok: queued as ID". */
function submit(service: string, from: string, message: Buffer): Promise<string> {
  // RFC 5321 section 4.5.2: CRLF lines, a leading dot doubled, then the lone dot.
  let data = message.toString('latin1').replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
  if (!data.endsWith('\r\n')) data += '\r\n';
  const commands = ['EHLO client.test', `MAIL FROM:<${from}>`, 'RCPT TO:<bob@rcpt.test>', 'DATA', `${data}.`, 'QUIT'];
  const expected = ['220', '250', '250', '250', '354', '250', '221'];
  return new Promise((resolve, reject) => {
    const socket = connect(join(SPOOL, 'public', service));
    socket.setTimeout(WAIT_MS, () => socket.destroy(new Error(`SMTP to ${service}: timed out`)));
    let buffer = '';
    let queueId = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      // A reply ends with its last line, "NNN text" (a dash after the code means more lines follow).
      for (let end = /^\d{3} [^\n]*\n/m.exec(buffer); end; end = /^\d{3} [^\n]*\n/m.exec(buffer)) {
        const reply = buffer.slice(0, end.index + end[0].length);
        buffer = buffer.slice(reply.length);
        const code = end[0].slice(0, 3);
        if (code !== expected.shift()) return socket.destroy(new Error(`SMTP to ${service}: ${reply}`));
        queueId ||= /queued as ([0-9A-Za-z]+)/.exec(reply)?.[1] ?? '';
        const command = commands.shift();
        if (command === undefined) return socket.end();
        socket.write(`${command}\r\n`, 'latin1');
      }
    });
    socket.on('error', reject);
    socket.on('close', () => (queueId ? resolve(queueId) : reject(new Error(`SMTP to ${service}: no queue id`))));
  });
}

/** The delivered message whose smtpd Received field carries this queue id, once it is there. */
function deliveredWith(queueId: string): string | undefined {
  if (!existsSync(MAILDIR)) return undefined;
  for (const file of readdirSync(MAILDIR)) {
    const text = readFileSync(join(MAILDIR, file), 'latin1');
    if (text.includes(` id ${queueId}\n`)) return text;
  }
  return undefined;
}

/** The first n header fields (a line and its folded continuation lines) and what follows them. */
function topFields(text: string, n: number): [string[], string] {
  const fields: string[] = [];
  let rest = text;
  while (fields.length < n) {
    const end = /\n(?![ \t])/.exec(rest);
    assert.ok(end, `${n} header fields`);
    fields.push(rest.slice(0, end.index + 1));
    rest = rest.slice(end.index + 1);
  }
  return [fields, rest];
}

const fieldName = (field: string) => field.slice(0, field.indexOf(':'));
// What delivery to a Maildir adds on top: the envelope (virtual(8)) over the receiving Received field.
const DELIVERY_FIELDS = ['Return-Path', 'X-Original-To', 'Delivered-To'];
const smtpdReceived = (queueId: string) =>
  new RegExp(`^Received: from client\\.test \\(localhost \\[127\\.0\\.0\\.1\\]\\)\\n\\tby mx\\.test \\(Postfix\\) with ESMTP id ${queueId}\\n\\tfor <bob@rcpt\\.test>; [^\\n]+\\n$`);

test('Postfix content_filter + pipe (the README recipe): our fields on top of exactly what Postfix delivers unfiltered', async () => {
  const plainId = await submit('plain', 'billing@example.org', SAMPLE);
  const filteredId = await submit('filtered', 'billing@example.org', SAMPLE);
  const unfiltered = await waitFor(`unfiltered ${plainId} delivered`, () => deliveredWith(plainId));
  const filtered = await waitFor(`filtered ${filteredId} delivered`, () => deliveredWith(filteredId));

  // Unfiltered, Postfix stores LF lines, drops the message's own Return-Path (cleanup(8): delivery sets it), and
  // adds the envelope fields and its Received field on top.
  const original = SAMPLE.toString('latin1').replace(/\r\n/g, '\n').replace(/^Return-Path: [^\n]*\n/, '');
  const [plainTop, plainRest] = topFields(unfiltered, 4);
  assert.deepEqual(plainTop.slice(0, 3).map(fieldName), DELIVERY_FIELDS);
  assert.match(plainTop[3] ?? '', smtpdReceived(plainId));
  assert.ok(plainRest === original, 'Postfix delivers the rest of the message unchanged');

  // Filtered: the same, with the re-injection's Received field (pickup, the filter's user) and our fields between
  // the envelope fields and the receiving smtpd's Received field.
  const [top, rest] = topFields(filtered, 4);
  assert.deepEqual(top.slice(0, 3).map(fieldName), DELIVERY_FIELDS);
  assert.match(top[3] ?? '', new RegExp(`^Received: by mx\\.test \\(Postfix, from userid ${NOBODY}\\)\\n\\tid [0-9A-Za-z]+; [^\\n]+\\n$`));
  assert.match(rest, ADDED, `our fields follow Postfix's:\n${filtered.slice(0, 600)}`);
  const [ours, afterOurs] = topFields(rest, 4);
  assert.equal(ours.join(''), ADDED.exec(rest)?.[0]);
  const [[received], afterReceived] = topFields(afterOurs, 1);
  assert.match(received ?? '', smtpdReceived(filteredId));
  assert.ok(afterReceived === original, 'the original bytes follow our fields and the receiving Received field');
  assert.doesNotMatch(maillog(), /status=(bounced|deferred)/);
});

/** Wait until the queue holds this message, deferred by the given transport, and check nothing else happened to it. */
async function assertDeferred(queueId: string, transport: string): Promise<string> {
  const outcome = new RegExp(`${queueId}: to=<bob@rcpt\\.test>, relay=${transport}, [^\\n]*status=(\\w+) \\(([^\\n]*)\\)`);
  const [status, reason] = await waitFor(`${queueId} handled by ${transport}`, () => outcome.exec(maillog())?.slice(1));
  assert.equal(status, 'deferred', `${transport}: ${reason}`);
  const queue = run('postqueue', ['-c', ETC, '-p']);
  assert.match(queue.out, new RegExp(`^${queueId}\\s`, 'm'), `the message stays in the queue:\n${queue.out}`);
  const log = maillog();
  assert.doesNotMatch(log, new RegExp(`${queueId}: [^\\n]*status=(bounced|sent)`), 'neither bounced nor delivered');
  assert.doesNotMatch(log, new RegExp(`${queueId}: sender non-delivery notification`));
  assert.equal(deliveredWith(queueId), undefined, 'nothing of it reaches the mailbox');
  return reason ?? '';
}

test('Postfix: a failed analysis (--tempfail-on-error, exit 75) defers the message; nothing bounced, nothing lost', async () => {
  // The sender is a local mailbox, so a bounce would land in the Maildir too.
  const queueId = await submit('mailtrace-fault-in', 'alice@rcpt.test', SAMPLE);
  const reason = await assertDeferred(queueId, 'mailtrace-fault');
  assert.match(reason, /temporary failure/);
});

test('Postfix: a missing mailtrace binary defers the message too, it does not bounce', async () => {
  const queueId = await submit('mailtrace-missing-in', 'alice@rcpt.test', SAMPLE);
  const reason = await assertDeferred(queueId, 'mailtrace-missing');
  assert.match(reason, /no-such-mailtrace/);
});
