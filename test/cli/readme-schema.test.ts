// The README documents every field the JSON report carries: a field added to the report without a line in the
// README fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli } from '../helpers/cli.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## The JSON report'));

function documented(key: string): boolean {
  return new RegExp('`[^`]*\\b' + key + '\\b[^`]*`').test(section);
}

test('every report, hop and boundary field is documented in the README', () => {
  const r = runCli(['--dns-replay', 'fixtures/sample/dns.json', '--json', 'fixtures/sample/message.eml']);
  const report = JSON.parse(r.stdout);
  const keys = new Set<string>(Object.keys(report));
  for (const hop of report.hops) for (const k of Object.keys(hop)) keys.add(k);
  for (const k of Object.keys(report.boundary ?? {})) keys.add(k);
  for (const k of Object.keys(report.auth)) keys.add(k);
  for (const k of Object.keys(report.identity)) keys.add(k);
  const missing = [...keys].filter((k) => !documented(k));
  assert.deepEqual(missing, []);
});

test('every finding id is documented in the README', async () => {
  const { RULES } = await import('../../src/findings/index.js');
  const missing = RULES.map((r) => r.id).filter((id) => !readme.includes('`' + id + '`'));
  assert.deepEqual(missing, []);
});
