// The benchmark's own instruments: if they were wrong, the figures would be too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as dns } from 'node:dns';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildMbox } from '../../bench/mbox.js';
import { mboxEntry } from '../helpers/mbox.js';
import { startDnsCounter } from '../../bench/dns-counter.js';
import { scratchDir } from '../helpers/scratch.js';

test('mbox entries: own From_ line dropped, body From lines quoted mboxrd-style, blank line after', () => {
  const raw = Buffer.from('From old@example.org Mon Jan  1 00:00:00 2024\nSubject: x\n\nFrom here\n>From there\nnot From\n');
  assert.equal(
    mboxEntry(raw).toString(),
    'From mailtrace@example.invalid Mon Jan  1 00:00:00 2024\nSubject: x\n\n>From here\n>>From there\nnot From\n\n',
  );
  assert.ok(mboxEntry(Buffer.from('Subject: y\n\nno newline at the end')).toString().endsWith('no newline at the end\n\n'));
});

test('buildMbox writes at least the size asked, cycling over the inputs', () => {
  const dir = scratchDir('bench-test');
  const msg = join(dir, 'a.eml');
  writeFileSync(msg, 'Subject: a\n\nbody\n');
  const out = join(dir, 'out.mbox');
  const built = buildMbox(out, [msg], 1000);
  const text = readFileSync(out, 'utf8');
  assert.ok(built.bytes >= 1000 && text.length === built.bytes);
  assert.equal(text.match(/^From mailtrace@/gm)?.length, built.messages);
});

test('the DNS counter answers NXDOMAIN and counts queries against unique (name, type) pairs', async () => {
  const counter = await startDnsCounter();
  try {
    const resolver = new dns.Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([`127.0.0.1:${counter.port}`]);
    for (const [name, type] of [['a.example', 'TXT'], ['A.EXAMPLE', 'TXT'], ['a.example', 'MX']] as const) {
      await assert.rejects(resolver.resolve(name, type), { code: 'ENOTFOUND' });
    }
    assert.equal(counter.queries(), 3);
    assert.equal(counter.unique(), 2, 'names compare case-insensitively');
  } finally {
    await counter.close();
  }
});
