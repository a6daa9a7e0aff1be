// The README's procmail and maildrop recipes, run for real (Debian's procmail and maildrop, installed by
// scripts/ensure-deps.sh --with-filters): deliver into a Maildir or mbox under a temporary HOME and read back.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../helpers/cli.js';

const SAMPLE = readFileSync('fixtures/sample/message.eml');
// The filter command as a recipe names it; absolute paths because MDAs run with a minimal PATH.
const FILTER = `${process.execPath} ${BIN} filter --offline --authserv-id mx.test`;
const ADDED = /^Authentication-Results: mx\.test; none\r\nX-Mailtrace-Verdict: (pass|suspicious|forged)\r\nX-Mailtrace-Score: \d+\r\nX-Mailtrace-Findings: [^\r\n]+\r\n/;

const homes: string[] = [];
after(() => homes.forEach((h) => rmSync(h, { recursive: true, force: true })));

function freshHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'mailtrace-mda-'));
  homes.push(home);
  for (const d of ['new', 'cur', 'tmp']) mkdirSync(join(home, 'Maildir', d), { recursive: true });
  return home;
}

/** Run an MDA on a message; the MDA must be installed (scripts/ensure-deps.sh --with-filters). */
function deliver(command: string, args: string[], input: Buffer, home: string) {
  const r = spawnSync(command, args, { input, env: { PATH: '/usr/bin:/bin', HOME: home }, timeout: 60_000 });
  assert.ok(!r.error, `${command} must be installed (bash scripts/ensure-deps.sh --with-filters): ${r.error?.message}`);
  return { code: r.status, stderr: r.stderr.toString() };
}

function delivered(home: string): Buffer[] {
  const dir = join(home, 'Maildir', 'new');
  return readdirSync(dir).sort().map((f) => readFileSync(join(dir, f)));
}

function procmailrc(home: string, recipe: string, target = `${home}/Maildir/`): string {
  const rc = join(home, 'procmailrc');
  writeFileSync(rc, `SHELL=/bin/sh\nDEFAULT=${target}\nLOGFILE=${home}/procmail.log\n${recipe}\n`);
  return rc;
}

test('procmail ":0 fw | mailtrace filter" delivers our fields on top of exactly what procmail delivers unfiltered', () => {
  const home = freshHome();
  // procmail frames a filtered message its own way (it appends a newline): `| cat` shows that framing.
  const viaCat = deliver('procmail', [procmailrc(home, ':0 fw\n| cat')], SAMPLE, home);
  assert.equal(viaCat.code, 0, viaCat.stderr);
  const viaFilter = deliver('procmail', [procmailrc(home, `:0 fw\n| ${FILTER}`)], SAMPLE, home);
  assert.equal(viaFilter.code, 0, viaFilter.stderr);
  const [unfiltered, filtered] = delivered(home);
  assert.ok(unfiltered && filtered, 'two deliveries');
  assert.ok(unfiltered.subarray(0, SAMPLE.length).equals(SAMPLE));
  const added = filtered.subarray(0, filtered.length - unfiltered.length).toString();
  assert.match(added, new RegExp(`${ADDED.source}$`));
  assert.ok(filtered.subarray(added.length).equals(unfiltered), 'the original bytes follow our fields');
});

test('procmail into an mbox: the From_ line stays first, our fields follow it', () => {
  const home = freshHome();
  const mbox = join(home, 'mbox');
  const fromLine = 'From alice@example.org  Tue Mar 12 09:14:07 2024\n';
  const input = Buffer.concat([Buffer.from(fromLine), SAMPLE]);
  const r = deliver('procmail', [procmailrc(home, `:0 fw\n| ${FILTER}`, mbox)], input, home);
  assert.equal(r.code, 0, r.stderr);
  const box = readFileSync(mbox);
  assert.ok(box.subarray(0, fromLine.length).toString() === fromLine, box.subarray(0, 80).toString());
  const rest = box.subarray(fromLine.length).toString('latin1');
  assert.match(rest, ADDED);
  assert.ok(rest.includes(SAMPLE.toString('latin1')), 'the message bytes are in the mailbox unchanged');
});

test('procmail: a filter that fails inside still delivers the whole message, marked', () => {
  const home = freshHome();
  const rc = procmailrc(home, `:0 fw\n| /usr/bin/env MAILTRACE_FILTER_FAULT=throw ${FILTER}`);
  const r = deliver('procmail', [rc], SAMPLE, home);
  assert.equal(r.code, 0, r.stderr);
  const [mail] = delivered(home);
  assert.ok(mail);
  assert.match(mail.toString(), /^X-Mailtrace-Error: not analysed: internal error: injected fault\r\n/);
  assert.ok(mail.includes(SAMPLE));
});

function mailfilter(home: string, body: string): string {
  const file = join(home, 'mailfilter');
  writeFileSync(file, body);
  chmodSync(file, 0o600); // maildrop refuses a filter file others can write
  return file;
}

test('maildrop xfilter "mailtrace filter" delivers our fields on top of the original bytes', () => {
  const home = freshHome();
  const r = deliver('maildrop', [mailfilter(home, `xfilter "${FILTER}"\nto "${home}/Maildir/"\n`)], SAMPLE, home);
  assert.equal(r.code, 0, r.stderr);
  const [mail] = delivered(home);
  assert.ok(mail);
  const added = mail.subarray(0, mail.length - SAMPLE.length).toString();
  assert.match(added, new RegExp(`${ADDED.source}$`));
  assert.ok(mail.subarray(added.length).equals(SAMPLE), 'byte for byte after our fields');
});

test('maildrop with --tempfail-on-error: a failed analysis defers delivery (exit 75), it does not drop the mail', () => {
  const home = freshHome();
  const filter = `/usr/bin/env MAILTRACE_FILTER_FAULT=throw ${FILTER} --tempfail-on-error`;
  const r = deliver('maildrop', [mailfilter(home, `xfilter "${filter}"\nto "${home}/Maildir/"\n`)], SAMPLE, home);
  assert.equal(r.code, 75, 'EX_TEMPFAIL: the MTA keeps the message queued and retries');
  assert.deepEqual(delivered(home), []);
});
