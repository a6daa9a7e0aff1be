// Every real message in the shared corpus gives a report or a clean NotAMessageError: no crash, no hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyze } from '../../src/analyze.js';
import { NotAMessageError } from '../../src/message/parse.js';
import { corpusFiles } from '../helpers/corpus.js';

for (const folder of ['phishing_pot', 'spamassassin', 'kernel-list']) {
  test(`every message in ${folder} gives a report or a clean error (offline)`, async () => {
    const files = corpusFiles(folder);
    assert.ok(files.length > 1000, `${folder}: ${files.length} files`);
    const verdicts = new Map<string, number>();
    const failures: string[] = [];
    for (const file of files) {
      try {
        const report = await analyze(readFileSync(file), { offline: true });
        assert.equal(report.hops.length, report.hops.filter((h) => ['relay', 'local', 'unparseable'].includes(h.kind)).length);
        verdicts.set(report.verdict, (verdicts.get(report.verdict) ?? 0) + 1);
      } catch (err) {
        if (err instanceof NotAMessageError) verdicts.set('not-a-message', (verdicts.get('not-a-message') ?? 0) + 1);
        else failures.push(`${file}: ${(err as Error).stack}`);
      }
    }
    assert.deepEqual(failures, []);
    const total = [...verdicts.values()].reduce((a, b) => a + b, 0);
    assert.equal(total, files.length);
  });
}
