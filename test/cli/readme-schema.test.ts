// The README documents every field the JSON report carries: a field added to the report without a line in the
// README fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli } from '../helpers/cli.js';
import type { Report } from '../../src/types.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## The JSON report'));

function documented(key: string): boolean {
  return new RegExp('`[^`]*\\b' + key + '\\b[^`]*`').test(section);
}

/** The field names of a report that the README's field tables must name. */
function reportKeys(report: Report): Set<string> {
  const keys = new Set<string>(Object.keys(report));
  for (const hop of report.hops) for (const k of Object.keys(hop)) keys.add(k);
  for (const k of Object.keys(report.boundary ?? {})) keys.add(k);
  for (const k of Object.keys(report.auth)) keys.add(k);
  for (const k of Object.keys(report.identity)) keys.add(k);
  return keys;
}

test('every report, hop and boundary field is documented in the README', () => {
  const r = runCli(['--dns-replay', 'fixtures/sample/dns.json', '--json', 'fixtures/sample/message.eml']);
  const missing = [...reportKeys(JSON.parse(r.stdout))].filter((k) => !documented(k));
  assert.deepEqual(missing, []);
});

test('the identity fields only some messages have (List-Post, a Resent-* block) are documented too', () => {
  const resentToList = [
    'Received: from a.example.org (a.example.org [203.0.113.5]) by mx.example.net with ESMTP id 1; Mon, 1 Jan 2024 10:00:00 +0000',
    'Resent-From: fwd@example.net',
    'Resent-Date: Mon, 1 Jan 2024 10:00:00 +0000',
    'List-Id: <list.example.org>',
    'List-Post: <mailto:list@example.org>',
    'From: a@example.org',
    'Sender: s@example.org',
    'To: list@example.org',
    'Subject: s',
    '',
    'body',
  ].join('\n');
  const report = JSON.parse(runCli(['--offline', '--json', '-'], { input: resentToList }).stdout) as Report;
  assert.ok(report.identity.listPost && report.identity.resent, 'the message has both');
  const missing = [...reportKeys(report)].filter((k) => !documented(k));
  assert.deepEqual(missing, []);
});

test('every finding id is documented in the README', async () => {
  const { RULES } = await import('../../src/findings/index.js');
  const missing = RULES.map((r) => r.id).filter((id) => !readme.includes('`' + id + '`'));
  assert.deepEqual(missing, []);
});
