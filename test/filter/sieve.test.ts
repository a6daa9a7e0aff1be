// The README's sieve recipe, run for real: Dovecot Pigeonhole's sieve-test (Debian's dovecot-sieve, installed by
// scripts/ensure-deps.sh --with-filters) executes the README's script with a private config and delivers into a
// temporary Maildir, which we read back. No Dovecot daemon runs.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { cliForNobody } from '../helpers/as-nobody.js';

const SAMPLE = join(ROOT, 'fixtures/sample/message.eml'); // verdict pass offline
const FORGED = join(ROOT, 'fixtures/lab/spoof-direct/message.eml'); // verdict forged offline (display-name impersonation)
const ADDED = /^Authentication-Results: imap\.test; none\r?\nX-Mailtrace-Verdict: (pass|suspicious|forged)\r?\nX-Mailtrace-Score: \d+\r?\nX-Mailtrace-Findings: [^\r\n]+\r?\n/;
// Dovecot refuses mail access as root ("Mail access not allowed for root"): as root, it must drop to a mail user.
const AS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;

/** The script exactly as the README's Sieve section shows it. */
function readmeScript(): string {
  const section = readFileSync(join(ROOT, 'README.md'), 'utf8').split('### Sieve')[1] ?? '';
  const script = /```sieve\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(script, 'the README has a sieve block in its Sieve section');
  return script;
}

const dirs: string[] = [];
// The programs run as nobody (when root): node and the CLI where nobody can read them.
const CLI = cliForNobody();
after(() => {
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  CLI.cleanup();
});

/** A private Dovecot set-up under one temporary directory: config, program dir, Maildir. */
function freshSetup(programs: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mailtrace-sieve-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'Maildir'));
  for (const [name, body] of Object.entries(programs)) {
    writeFileSync(join(dir, 'bin', name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, 'bin', name), 0o755);
  }
  writeFileSync(
    join(dir, 'dovecot.conf'),
    [
      `mail_location = maildir:${dir}/Maildir`,
      ...(AS_ROOT ? [`mail_uid = ${NOBODY}`, `mail_gid = ${NOBODY}`] : []),
      'plugin {',
      '  sieve_plugins = sieve_extprograms',
      '  sieve_extensions = +vnd.dovecot.filter +vnd.dovecot.execute',
      `  sieve_filter_bin_dir = ${dir}/bin`,
      `  sieve_execute_bin_dir = ${dir}/bin`,
      '}',
      '',
    ].join('\n'),
  );
  return dir;
}

/** sieve-test -e: run the script's actions for real on one message. */
function runSieve(dir: string, script: string, message: string) {
  writeFileSync(join(dir, 'script.sieve'), script);
  // sieve-test reads the message as the mail user: a copy in the temp dir, which that user owns.
  writeFileSync(join(dir, 'message.eml'), readFileSync(message));
  if (AS_ROOT) for (const p of walk(dir)) chownSync(p, NOBODY, NOBODY);
  // Dovecot hands its programs a bare environment (HOME, USER, SENDER, RECIPIENT...): HOME here is the temp dir.
  const r = spawnSync('sieve-test', ['-c', join(dir, 'dovecot.conf'), '-e', join(dir, 'script.sieve'), join(dir, 'message.eml')], {
    env: { PATH: '/usr/bin:/bin', HOME: dir },
    timeout: 60_000,
  });
  assert.ok(!r.error, `sieve-test must be installed (bash scripts/ensure-deps.sh --with-filters): ${r.error?.message}`);
  const stderr = r.stderr.toString();
  assert.equal(r.status, 0, stderr);
  return stderr;
}

function walk(dir: string): string[] {
  return [dir, ...readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]))];
}

/** Messages stored in a Maildir++ folder ('' is INBOX). */
function stored(dir: string, folder = ''): Buffer[] {
  const newDir = join(dir, 'Maildir', folder ? `.${folder}` : '', 'new');
  let files: string[];
  try {
    files = readdirSync(newDir).sort();
  } catch {
    return [];
  }
  return files.map((f) => readFileSync(join(newDir, f)));
}

// The README's wrapper, with absolute paths and --offline (no DNS in this test).
const WRAPPER = `exec ${CLI.node} ${CLI.bin} filter --offline --timeout 5 --authserv-id imap.test`;

/**
 * One message stored twice: by a plain `keep` without the filter, and by the README's script with it, read from
 * `folder`. Returns what the filter put on top and whether exactly the unfiltered bytes follow it.
 */
function againstUnfiltered(message: string, folder: string): { dir: string; added: string; originalFollows: boolean } {
  const plain = freshSetup({});
  runSieve(plain, 'keep;\n', message);
  const [unfiltered] = stored(plain);
  const dir = freshSetup({ mailtrace: WRAPPER });
  runSieve(dir, readmeScript(), message);
  const [filtered] = stored(dir, folder);
  assert.ok(unfiltered && filtered, `one message stored by each set-up (filtered one in ${folder || 'INBOX'})`);
  const added = filtered.subarray(0, filtered.length - unfiltered.length).toString();
  return { dir, added, originalFollows: filtered.subarray(added.length).equals(unfiltered) };
}

test('the README sieve script adds our fields on top of exactly what Dovecot stores unfiltered', () => {
  const { dir, added, originalFollows } = againstUnfiltered(SAMPLE, '');
  assert.match(added, new RegExp(`${ADDED.source}$`));
  assert.match(added, /X-Mailtrace-Verdict: pass/);
  assert.ok(originalFollows, 'the original bytes follow our fields');
  assert.deepEqual(stored(dir, 'Junk'), [], 'a pass stays in INBOX');
});

test('the README sieve script files a forged message into Junk, with our fields', () => {
  const { dir, added, originalFollows } = againstUnfiltered(FORGED, 'Junk');
  assert.deepEqual(stored(dir), [], 'nothing left in INBOX');
  assert.match(added, ADDED);
  assert.match(added, /^X-Mailtrace-Verdict: forged\r?$/m);
  assert.ok(originalFollows);
});

test('a filter that exits non-zero: Dovecot delivers the original without our fields (why the wrapper keeps exit 0)', () => {
  const fault = `MAILTRACE_FILTER_FAULT=throw ${WRAPPER} --tempfail-on-error`;
  const dir = freshSetup({ mailtrace: fault });
  const log = runSieve(dir, readmeScript(), FORGED);
  assert.match(log, /non-zero exit code 75/);
  const [mail] = stored(dir);
  assert.ok(mail, 'delivered to INBOX: the filter action failed, the script went on');
  assert.doesNotMatch(mail.toString(), /X-Mailtrace-/);
});

test('execute :pipe hands the message to "mailtrace --json -": the program gets the message and reports on it', () => {
  const logger = `exec ${CLI.node} ${CLI.bin} --json --offline - > "$HOME/report.json"`;
  const plain = freshSetup({});
  runSieve(plain, 'keep;\n', FORGED);
  const dir = freshSetup({ 'mailtrace-log': logger });
  runSieve(dir, 'require ["vnd.dovecot.execute"];\nexecute :pipe "mailtrace-log";\n', FORGED);
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  assert.equal(report.verdict, 'forged');
  assert.equal(report.source.kind, 'stdin');
  assert.equal(report.message.messageId, '<20261123073155.spoof-direct@mail.evil.test>', 'a report of this message');
  const [mail] = stored(dir);
  const [unfiltered] = stored(plain);
  assert.ok(mail && unfiltered && mail.equals(unfiltered), 'execute does not change the stored message');
});
