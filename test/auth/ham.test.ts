// Legitimate mail must not look forged because of authentication we could not do. The ham corpora are old
// (SpamAssassin easy-ham, 2002) or list mail (the Linux kernel list) whose DNS we do not have: run offline and with
// a replay file that has no answers, and no authentication finding may reach medium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { corpusFiles } from '../helpers/corpus.js';
import { analyze } from '../../src/analyze.js';
import { replayResolver } from '../../src/dns/replay.js';
import { NotAMessageError } from '../../src/message/parse.js';
import type { AnalyzeOptions } from '../../src/types.js';

const SERIOUS = new Set(['medium', 'high']);

async function seriousAuthFindings(folder: string[], options: () => AnalyzeOptions): Promise<{ total: number; serious: string[]; failsFromUnknown: string[] }> {
  const serious: string[] = [];
  const failsFromUnknown: string[] = [];
  const files = corpusFiles(...folder);
  for (const f of files) {
    let report;
    try {
      report = await analyze(readFileSync(f), options());
    } catch (err) {
      if (err instanceof NotAMessageError) continue;
      throw err;
    }
    for (const x of report.findings) if (x.id.startsWith('auth.') && SERIOUS.has(x.severity)) serious.push(`${f}: ${x.id} ${x.title}`);
    // With no DNS answers, SPF and DMARC can only be unknown, never fail.
    for (const m of report.auth.results) if ((m.method === 'spf' || m.method === 'dmarc') && m.result === 'fail' && report.auth.mode === 'computed') failsFromUnknown.push(`${f}: ${m.method}`);
  }
  return { total: files.length, serious, failsFromUnknown };
}

const emptyReplay = (): AnalyzeOptions => ({ deps: { resolver: replayResolver(Object.create(null), []) } });

for (const folder of [['spamassassin', 'easy-ham-1'], ['kernel-list']]) {
  test(`${folder.join('/')}: offline, no authentication finding of medium or high`, async () => {
    const r = await seriousAuthFindings(folder, () => ({ offline: true }));
    assert.ok(r.total > 1000);
    assert.deepEqual(r.serious, []);
  });
  test(`${folder.join('/')}: replay without answers, no fail from unknowns and no serious finding`, async () => {
    const r = await seriousAuthFindings(folder, emptyReplay);
    assert.deepEqual(r.failsFromUnknown, []);
    assert.deepEqual(r.serious, []);
  });
}
