// `mailtrace scan` inputs as a process: what stdin is read as, and a problem with one input (a pattern that can match
// nothing, a pipe we may not open, a path-list entry no path can be) is that input's record, never the scan's end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliForNobody } from '../helpers/as-nobody.js';
import { BIN, runCli } from '../helpers/cli.js';
import { scratchDir } from '../helpers/scratch.js';

const msg = (n: number) => `From: a${n}@example.org\nTo: b@example.org\nSubject: m${n}\nDate: Thu, 22 Aug 2002 13:17:22 +0000\nMessage-ID: <${n}@x>\n\nbody ${n}\n`;
const mbox2 = `From a@example.org Thu Aug 22 13:17:22 2002\n${msg(1)}\nFrom b@example.org Thu Aug 22 13:17:23 2002\n${msg(2)}\n`;

const records = (text: string) => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, any>);
const shape = (text: string) => records(text).map((r) => [r.source.kind, r.source.path ?? null, r.error?.code ?? r.message.subject]);

/** A Maildir, "secret", that mail on stdin must never make the scan read. */
function withSecret(): string {
  const dir = scratchDir('scan-inputs');
  for (const sub of ['cur', 'new']) mkdirSync(join(dir, 'secret', sub), { recursive: true });
  writeFileSync(join(dir, 'secret/cur/1.host:2,S'), msg(42));
  return dir;
}

test('mail on stdin is mail, whatever its first field: its body lines are never opened as paths or globs', () => {
  const cwd = withSecret();
  const evil = 'Received: from mx.evil.example ([192.0.2.1]) by mx.example.org; Thu, 22 Aug 2002 13:17:22 +0000\nX-Original/To: victim@example.org\nFrom: a@evil.example\nSubject: invoice\n\nHello\nsecret/cur/*\nsecret\n';
  for (const [name, input, expected] of [
    ['a field name with "/"', evil, [['stdin', null, 'invoice']]],
    ['a single field', 'Subject: hi\n\nsecret\n', [['stdin', null, 'hi']]],
    ['an mbox stream after a blank line', `\n${mbox2}`, [['mbox', null, 'm1'], ['mbox', null, 'm2']]],
    ['a first line longer than the peek', `X-Pad: ${'x'.repeat(100_000)}\nSubject: long\n\nsecret\n`, [['stdin', null, 'long']]],
  ] as const) {
    const r = runCli(['scan', '--offline', '-q', '-j1', '-'], { input, cwd });
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    assert.deepEqual(shape(r.stdout), expected, name);
  }
});

test('a pattern whose range is backwards matches nothing: its no-input record, and the scan goes on', () => {
  const cwd = scratchDir('scan-bad-glob');
  mkdirSync(join(cwd, 'md'));
  writeFileSync(join(cwd, 'a.mbox'), mbox2);
  const r = runCli(['scan', '--offline', '-q', '-j1', 'a.mbox', 'md/[z-a]*', '--summary', 's.json'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(shape(r.stdout), [['mbox', 'a.mbox', 'm1'], ['mbox', 'a.mbox', 'm2'], ['file', 'md/[z-a]*', 'no-input']]);
  assert.ok(existsSync(join(cwd, 's.json')), 'the summary is written');
});

test('a named pipe the scan may not open is its read-error record, and the scan goes on', (t) => {
  const asRoot = process.getuid?.() === 0;
  const cli = asRoot ? cliForNobody() : { node: process.execPath, bin: BIN, cleanup: () => {} };
  t.after(() => cli.cleanup());
  const cwd = scratchDir('scan-fifo');
  chmodSync(cwd, 0o755);
  writeFileSync(join(cwd, 'a.mbox'), mbox2, { mode: 0o644 });
  assert.equal(spawnSync('mkfifo', ['-m', '000', join(cwd, 'locked')]).status, 0);
  // root may open anything: run as nobody then
  const command = asRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', cli.node] : [cli.node];
  const r = spawnSync(command[0]!, [...command.slice(1), cli.bin, 'scan', '--offline', '-q', '-j1', 'locked', 'a.mbox'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, HOME: cwd, NO_COLOR: '1' },
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(shape(r.stdout), [['file', 'locked', 'read-error'], ['mbox', 'a.mbox', 'm1'], ['mbox', 'a.mbox', 'm2']]);
  assert.equal(records(r.stdout)[0]!.error.message, 'permission denied');
});

test('a path-list entry longer than a path is one no-input record; the rest of its line, past a 64 KiB read, is no path', () => {
  const cwd = scratchDir('scan-long-entry');
  writeFileSync(join(cwd, 'a.mbox'), mbox2);
  mkdirSync(join(cwd, 'sub'));
  writeFileSync(join(cwd, 'sub/x.eml'), msg(9));
  const input = 'a.mbox\n' + 'a'.repeat(5000) + '\n' + 'x'.repeat(65536 - 5008) + 'sub\n';
  const r = runCli(['scan', '--offline', '-q', '-j1', '-'], { input, cwd });
  assert.equal(r.code, 0, r.stderr);
  const shown = (c: string) => `${c.repeat(79)}…`;
  assert.deepEqual(shape(r.stdout), [['mbox', 'a.mbox', 'm1'], ['mbox', 'a.mbox', 'm2'], ['file', shown('a'), 'no-input'], ['file', shown('x'), 'no-input']]);
});
