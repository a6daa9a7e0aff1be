// The fast start-up path parses the common runs without yargs; it must agree with yargs or step aside.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseWithTable } from '../../src/cli/fast-path.js';
import { ANALYZE_OPTIONS, COMMAND_NAMES, COMMON_OPTIONS, SCAN_OPTIONS } from '../../src/cli/options.js';
import { runCli } from '../helpers/cli.js';

const TABLE = { ...COMMON_OPTIONS, ...ANALYZE_OPTIONS };

test('parses the common forms, camelCase keys, defaults, repeatable and numeric options', () => {
  const p = parseWithTable(['--json', '--trust', 'mx.example.org', '--trust=10.0.0.0/8', '--skew', '60', 'a.eml', '-'], TABLE);
  assert.deepEqual(p?.positionals, ['a.eml', '-']);
  assert.equal(p?.values.json, true);
  assert.deepEqual(p?.values.trust, ['mx.example.org', '10.0.0.0/8']);
  assert.equal(p?.values.skew, 60);
  assert.equal(p?.values.color, 'auto');
  assert.equal(p?.values.offline, undefined);
});

test('steps aside (undefined) for anything yargs must decide: help, unknown, negated, invalid, conflicting', () => {
  for (const argv of [
    ['--help'],
    ['-h'],
    ['--version'],
    ['--no-json', 'a.eml'],
    ['--jsn', 'a.eml'],
    ['--skew', 'soon', 'a.eml'],
    ['--color', 'purple', 'a.eml'],
    ['--offline', '--dns-server', '127.0.0.1', 'a.eml'],
    ['--dns-replay', 'a.json', '--dns-record', 'b.json', 'a.eml'],
    ['--json=yes', 'a.eml'],
  ]) {
    assert.equal(parseWithTable(argv, TABLE), undefined, argv.join(' '));
  }
});

test('every command yargs lists is known to the fast path, so no command is ever taken for a file name', () => {
  const help = runCli(['--help']).stdout;
  const commands = help.slice(help.indexOf('Commands:'), help.search(/\n\n(Positionals|Options):/));
  const listed = [...commands.matchAll(/^ {2}mailtrace ([a-z-]+)/gm)].map((m) => m[1]);
  assert.ok(listed.length >= 3, help);
  for (const name of listed) assert.ok(COMMAND_NAMES.includes(name!), `${name} missing from COMMAND_NAMES in src/cli/options.ts`);
});

test('"--trust HOST file.eml": the file is analysed on both paths (yargs arrays are not greedy)', () => {
  const fast = runCli(['--offline', '--json', '--trust', 'mx1.example.net', 'fixtures/sample/message.eml']);
  const viaYargs = runCli(['--offline', '--json', '--no-explain', '--trust', 'mx1.example.net', 'fixtures/sample/message.eml']);
  assert.equal(JSON.parse(fast.stdout).hops.length, 3, fast.stderr);
  assert.equal(viaYargs.stdout, fast.stdout, viaYargs.stderr);
});

test('conflicting flags get yargs\' usage error', () => {
  const r = runCli(['--offline', '--dns-server', '127.0.0.1', 'fixtures/sample/message.eml']);
  assert.equal(r.code, 64);
  assert.match(r.stderr, /mutually exclusive/i);
});

test('--dns-server alone is not a conflict on either path (a defaulted --offline used to count as given)', () => {
  for (const extra of [[], ['--no-explain']]) {
    const r = runCli(['--json', ...extra, '--dns-server', '127.0.0.1:9', 'fixtures/sample/message.eml']);
    assert.notEqual(r.code, 64, r.stderr);
    assert.equal(JSON.parse(r.stdout).hops.length, 3);
  }
});

test('scan: short aliases, attached values, "-" and defaults, as yargs reads them', () => {
  const table = { ...COMMON_OPTIONS, ...SCAN_OPTIONS };
  const p = parseWithTable(['-o', 'out.ndjson', '-j1', '-0', '-q', '--format=csv', '--trust', 'mx.example.org', '-', 'dir'], table);
  assert.deepEqual(p?.positionals, ['-', 'dir']);
  assert.equal(p?.values.out, 'out.ndjson');
  assert.equal(p?.values.jobs, 1);
  assert.equal(p?.values.null, true);
  assert.equal(p?.values.quiet, true);
  assert.equal(p?.values.format, 'csv');
  assert.deepEqual(p?.values.trust, ['mx.example.org']);
  assert.equal(p?.values.unwrap, 'all');
  assert.equal(p?.values.timeout, 30);
  for (const argv of [['--help'], ['--format', 'xml', 'dir'], ['--jobs', 'many', 'dir'], ['--no-null', 'dir'], ['-x', 'dir']]) {
    assert.equal(parseWithTable(argv, table), undefined, argv.join(' '));
  }
});

test('scan: the fast path and yargs write the same lines; usage errors are the same on both', () => {
  const inputs = ['fixtures/sample/message.eml', '-'];
  const input = readFileSync('fixtures/sample/message.eml');
  // --no-null (the default) is a negation, which only yargs reads: the second run goes through yargs.
  const fast = runCli(['scan', '--offline', '-q', '-j1', '--format', 'csv', '--at', '2026-01-01T00:00:00Z', ...inputs], { input });
  const viaYargs = runCli(['scan', '--offline', '-q', '-j1', '--format', 'csv', '--at', '2026-01-01T00:00:00Z', '--no-null', ...inputs], { input });
  assert.equal(fast.code, 0, fast.stderr);
  assert.equal(fast.stdout.trim().split('\n').length, 3); // the CSV header, the file, the message on stdin
  assert.equal(viaYargs.stdout, fast.stdout, viaYargs.stderr);
  for (const extra of [[], ['--no-null']]) {
    const r = runCli(['scan', '--offline', '--jobs', '0', ...extra, 'fixtures/sample/message.eml']);
    assert.equal(r.code, 64);
    assert.equal(r.stderr, 'mailtrace: --jobs must be a whole number from 1 to 256\n');
  }
});
