// The package as another tool embeds it: `import { analyze } from 'mailtrace'` resolves through package.json's
// exports to the built dist/index.js, in a separate Node process (not through the test's TypeScript loader).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

const SCRIPT = `
import { analyze, NotAMessageError, RULES } from 'mailtrace';
import { readFileSync } from 'node:fs';
const raw = new Uint8Array(readFileSync('fixtures/sample/message.eml'));
const report = await analyze(raw, { offline: true });
let notAMessage = false;
try { await analyze(new Uint8Array(), {}); } catch (e) { notAMessage = e instanceof NotAMessageError; }
console.log(JSON.stringify({ schemaVersion: report.schemaVersion, verdict: report.verdict, hops: report.hops.length, rules: RULES.length, notAMessage }));
`;

test('the library export works from the built package, with its types', () => {
  assert.ok(existsSync(join(ROOT, 'dist', 'index.js')), 'built');
  assert.ok(existsSync(join(ROOT, 'dist', 'index.d.ts')), 'typed');
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.schemaVersion, 1);
  assert.ok(['pass', 'suspicious', 'forged'].includes(out.verdict));
  assert.equal(out.hops, 3);
  assert.ok(out.rules > 20);
  assert.equal(out.notAMessage, true);
});
