// CSV cells, the progress line, and the summary table: the pure parts of scan output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvCell } from '../../src/render/csv.js';
import { progressLine, createProgress } from '../../src/cli/scan/progress.js';
import { renderSummaryTable, topOf } from '../../src/render/summary.js';
import { Tally, summarise } from '../../src/cli/scan/tally.js';

test('CSV cells: RFC 4180 quoting; formula starts defused with a leading quote', () => {
  const cases: [string | number | undefined, string][] = [
    [undefined, ''],
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['=1+2', "'=1+2"],
    ['+cmd', "'+cmd"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['=HYPERLINK("x","y")', `"'=HYPERLINK(""x"",""y"")"`],
    [-5, '-5'],
  ];
  for (const [input, want] of cases) assert.equal(csvCell(input), want, String(input));
});

test('progress line: rate always; share and ETA only when the total is known', () => {
  assert.equal(progressLine(500, 5e6, 2000), '500 messages  250 msg/s  5.0 MB');
  assert.equal(progressLine(500, 5e6, 2000, 2e7), '500 messages  250 msg/s  5.0 MB  [######..................] 25%  ETA 6s');
});

test('progress line of a resumed scan: totals and share count the earlier runs, the rate and ETA this run alone', () => {
  // 1,000 messages and 15 MB done before; this run 100 messages and 1 MB in 2 s: 50 msg/s, 4 MB left at 0.5 MB/s.
  const before = { messages: 1000, bytes: 15e6 };
  assert.equal(progressLine(100, 1e6, 2000, 2e7, before), '1100 messages  50 msg/s  16.0 MB  [###################.....] 80%  ETA 8s');
  // Nothing done yet in this run: no rate to tell an ETA from, but the share is where the scan stands.
  assert.equal(progressLine(0, 0, 10, 2e7, before), '1000 messages  0 msg/s  15.0 MB  [##################......] 75%');
});

test('progress writes to a TTY only', () => {
  const written: string[] = [];
  const fake = (isTTY: boolean) => ({ isTTY, columns: 80, write: (s: string) => written.push(s) }) as unknown as NodeJS.WriteStream;
  const quiet = createProgress(fake(false), 100);
  quiet.update(1, 1);
  quiet.done();
  assert.equal(written.length, 0);
  const tty = createProgress(fake(true), 100);
  tty.update(1, 50);
  tty.done();
  assert.match(written[0]!, /^\r1 messages .*50%/);
  assert.equal(written.at(-1), '\r\x1b[K');
  const resumed = createProgress(fake(true), 100, { messages: 7, bytes: 60 });
  resumed.update(1, 20);
  assert.match(written.at(-1)!, /^\r8 messages .*80%/);
});

test('tally: counts survive a JSON round trip (resume), top lists sort by count then key', () => {
  const t = new Tally();
  t.add({ bytes: 10, verdict: 'pass', findings: [], boundaryIp: '192.0.2.1', boundaryTime: '2024-01-02T00:00:00Z' });
  t.add({ bytes: 20, verdict: 'forged', findings: ['a', 'b'], boundaryIp: '192.0.2.2', dmarcFailDomain: 'bank.example', relays: ['r1'], boundaryTime: '2024-01-01T00:00:00Z' });
  t.add({ bytes: 5, errorCode: 'not-a-message' });
  const back = Tally.fromJSON(JSON.parse(JSON.stringify(t.toJSON())));
  back.add({ bytes: 1, verdict: 'forged', findings: ['a'], boundaryIp: '192.0.2.2', reporter: 'fbl@isp.example' });
  const s = summarise(back, { elapsedSeconds: 2, runMessages: 4, runBytes: 36, resumedMessages: 0, complete: true });
  assert.equal(s.messages, 4);
  assert.equal(s.reports, 3);
  assert.deepEqual({ ...s.verdicts }, { forged: 2, pass: 1 });
  assert.deepEqual({ ...s.findings }, { a: 2, b: 1 });
  assert.deepEqual(s.top.boundaryIps, [{ key: '192.0.2.2', count: 2 }, { key: '192.0.2.1', count: 1 }]);
  assert.deepEqual(s.timeSpan, { first: '2024-01-01T00:00:00Z', last: '2024-01-02T00:00:00Z' });
  assert.equal(s.messagesPerSecond, 2);
  assert.deepEqual(topOf([['b', 1], ['a', 1], ['c', 3]]), [{ key: 'c', count: 3 }, { key: 'a', count: 1 }, { key: 'b', count: 1 }]);
});

test('summary table: header text is sanitised (no escape sequences reach the terminal)', () => {
  const t = new Tally();
  t.add({ bytes: 1, verdict: 'pass', relays: ['evil\x1b[2J.example'] });
  const text = renderSummaryTable(summarise(t, { elapsedSeconds: 1, runMessages: 1, runBytes: 1, resumedMessages: 0, complete: true }));
  assert.ok(!text.includes('\x1b[2J'));
  assert.match(text, /evil\\x1b\[2J\.example/);
});

test('summary table of an interrupted scan: the --resume hint only when the scan keeps a resume state', () => {
  const stopped = summarise(new Tally(), { elapsedSeconds: 1, runMessages: 0, runBytes: 0, resumedMessages: 0, complete: false });
  assert.match(renderSummaryTable(stopped, true), /interrupted: resume with the same --resume file/);
  const plain = renderSummaryTable(stopped);
  assert.match(plain, /interrupted \(--resume FILE lets a rerun continue where a scan stops\)/);
  assert.doesNotMatch(plain, /same --resume/);
});
