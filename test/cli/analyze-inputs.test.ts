// What an analyst hands `mailtrace` besides one .eml: a mailbox file, an abuse report, a forward; and where the
// reports go when stdout fails. Run as a process, on corpus messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, runCli } from '../helpers/cli.js';
import { corpusFiles, corpusPath } from '../helpers/corpus.js';
import { mboxEntry, mboxOf } from '../helpers/mbox.js';
import { scratchDir } from '../helpers/scratch.js';
import type { Report } from '../../src/types.js';
import type { ErrorRecord } from '../../src/render/ndjson.js';
import { jsonItemsWriter } from '../../src/render/json.js';

const dir = scratchDir('analyze-inputs');
const phish = corpusFiles('phishing_pot').filter((p) => p.endsWith('.eml'));
const mboxFiles = phish.slice(0, 6);
const mbox = join(dir, 'six.mbox');
writeFileSync(mbox, mboxOf(mboxFiles));
const ARF = corpusPath('suites', 'arf', 'rfc5965_example', 'postal-mime-arf.eml');

const json = (args: string[], input?: Buffer) => {
  const r = runCli(['--offline', '--json', ...args], input ? { input } : {});
  return { ...r, body: JSON.parse(r.stdout) as unknown };
};
const worst = (codes: number[]) => Math.max(...codes);

test('an mbox file: one report per message, in file order, each with its offset; the exit code is the worst', () => {
  const r = json([mbox]);
  const reports = r.body as Report[];
  assert.equal(reports.length, mboxFiles.length);
  const singles = mboxFiles.map((f) => json([f]).body as Report);
  reports.forEach((report, i) => {
    assert.equal(report.source?.kind, 'mbox');
    assert.equal(report.source?.index, i);
    assert.equal(report.source?.path, mbox);
    assert.equal(report.message.messageId, singles[i]!.message.messageId, `message ${i} is the ${i}th file`);
    assert.equal(report.verdict, singles[i]!.verdict);
  });
  const offsets = reports.map((x) => x.source!.offset!);
  assert.equal(offsets[0], 0);
  const bytes = readFileSync(mbox);
  for (const at of offsets) assert.equal(bytes.toString('latin1', at, at + 5), 'From ', `offset ${at} starts a separator`);
  assert.equal(r.code, worst(reports.map((x) => x.exitCode)));
  assert.equal(r.stdout, JSON.stringify(reports, null, 2) + '\n', 'written item by item, the same text as one stringify');
});

test('the JSON writer: an array byte for byte as JSON.stringify makes it; a lone report a document; a lone error nothing', () => {
  const collect = (items: object[], lone: boolean) => {
    let out = '';
    const w = jsonItemsWriter((t) => (out += t), lone);
    items.forEach((i) => w.add(i));
    w.end();
    return out;
  };
  const items = [{ a: 1, b: { c: ['x', 'y\nz'] } }, { source: { path: 'p' }, error: { code: 65, message: 'm' } }, { d: [] }];
  for (const lone of [true, false]) {
    assert.equal(collect(items, lone), JSON.stringify(items, null, 2) + '\n');
    assert.equal(collect(items.slice(0, 2), lone), JSON.stringify(items.slice(0, 2), null, 2) + '\n');
  }
  assert.equal(collect([items[0]!], true), JSON.stringify(items[0], null, 2) + '\n');
  assert.equal(collect([items[0]!], false), JSON.stringify([items[0]], null, 2) + '\n');
  assert.equal(collect([items[1]!], true), '');
  assert.equal(collect([], false), '[]\n');
});

test('the same mbox on stdin, and the terminal report names each message', () => {
  const viaStdin = json(['-'], readFileSync(mbox)).body as Report[];
  assert.deepEqual(
    viaStdin.map((x) => x.message.messageId),
    (json([mbox]).body as Report[]).map((x) => x.message.messageId),
  );
  const human = runCli(['--offline', mbox]);
  const headings = human.stdout.match(/^Message .*$/gm) ?? [];
  assert.equal(headings.length, mboxFiles.length);
  assert.match(headings[2]!, /six\.mbox, message 3 \(byte \d+\)$/);
});

test('a message in an mbox that is not one: one line naming its place, an error item, the others still reported', () => {
  const file = join(dir, 'mixed.mbox');
  writeFileSync(file, Buffer.concat([mboxOf([phish[0]!]), mboxEntry(Buffer.from('this is no header line\n\nbody\n')), mboxOf([phish[1]!])]));
  const r = runCli(['--offline', '--json', file]);
  assert.equal(r.code, 65, 'a parse error outranks the verdicts');
  assert.equal(r.stderr, `mailtrace: ${file} message 2: no header section (the first line is not a header field)\n`);
  const items = JSON.parse(r.stdout) as (Report | ErrorRecord)[];
  assert.equal(items.length, 3);
  // The same error record a scan writes for that message.
  const scanned = runCli(['scan', '--offline', '--quiet', file]).stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown);
  assert.deepEqual(items[1], scanned[1]);
  assert.deepEqual((items[1] as ErrorRecord).error.code, 'not-a-message');
  assert.equal((items[1] as ErrorRecord).exitCode, 65);
  assert.equal((items[1] as ErrorRecord).source.index, 1);
  assert.equal((items[2] as Report).message.messageId, (json([phish[1]!]).body as Report).message.messageId);
});

test('a bug met on one input is its error record (exit 70); the inputs after it are still reported, the JSON array closed', () => {
  const [a, b, c] = [phish[0]!, phish[1]!, phish[2]!];
  const env = { MAILTRACE_ANALYZE_FAULT: `throw-on-file:${b.slice(b.lastIndexOf('/'))}` };
  const r = runCli(['--offline', '--json', a, b, c], { env });
  assert.equal(r.code, 70, 'an internal error outranks the verdicts');
  assert.equal(r.stderr, `mailtrace: ${b}: internal error: injected fault (MAILTRACE_ANALYZE_FAULT=${env.MAILTRACE_ANALYZE_FAULT})\n`);
  const items = JSON.parse(r.stdout) as (Report | ErrorRecord)[];
  assert.equal(items.length, 3);
  assert.equal((items[1] as ErrorRecord).error.code, 'internal');
  assert.equal((items[1] as ErrorRecord).exitCode, 70);
  assert.equal((items[2] as Report).message.messageId, (json([c]).body as Report).message.messageId);
  // The table: the reports of the first and the last input, the error line between them.
  const human = runCli(['--offline', a, b, c], { env });
  assert.equal(human.code, 70);
  assert.equal(human.stdout.match(/^Verdict: /gm)?.length, 2);
});

test('--json: a missing file and a directory are error records as a scan writes them, and the exit code is 66', () => {
  const missing = join(dir, 'no-such.eml');
  const r = runCli(['--offline', '--json', missing, dir, phish[0]!]);
  assert.equal(r.code, 66);
  const items = JSON.parse(r.stdout) as (Report | ErrorRecord)[];
  assert.deepEqual(items.slice(0, 2), [
    { schemaVersion: 1, source: { kind: 'file', path: missing }, error: { code: 'no-input', message: 'no such file' }, exitCode: 66 },
    { schemaVersion: 1, source: { kind: 'file', path: dir }, error: { code: 'read-error', message: 'is a directory (use "mailtrace scan" for directories)' }, exitCode: 66 },
  ]);
  assert.equal((items[2] as Report).schemaVersion, 1);
  const scanned = JSON.parse(runCli(['scan', '--offline', '--quiet', missing]).stdout) as ErrorRecord;
  assert.deepEqual(scanned, items[0]);
});

test('an empty .mbox file: one line, exit 66', () => {
  const file = join(dir, 'empty.mbox');
  writeFileSync(file, '');
  const r = runCli(['--offline', file]);
  assert.equal(r.code, 66);
  assert.equal(r.stderr, `mailtrace: ${file}: empty mbox file\n`);
});

test('a single message that starts with a From_ line is still just that message', () => {
  const file = corpusFiles('spamassassin', 'spam-1').find((f) => readFileSync(f).toString('latin1', 0, 5) === 'From ')!;
  const report = json([file]).body as Report;
  assert.deepEqual(report.source, { kind: 'file', path: file });
});

test('an ARF report: the original inside is analysed, and the report says who reported what', () => {
  const report = json([ARF]).body as Report;
  assert.equal(report.container?.kind, 'arf');
  assert.equal(report.container?.feedbackType, 'abuse');
  assert.equal(report.container?.sourceIp, '192.0.2.1');
  assert.equal(report.container?.reporter, 'abusedesk@example.com');
  assert.equal(report.source?.kind, 'embedded');
  assert.equal(report.source?.parent?.path, ARF);
  assert.equal(report.message.from, '<somespammer@example.net>', 'the original, not the report');
  assert.equal(report.boundary?.ip, '192.0.2.1');

  const human = runCli(['--offline', ARF]).stdout;
  assert.match(human, /^Message .*postal-mime-arf\.eml: an abuse report \(ARF, RFC 5965\)$/m);
  assert.match(human, /^ {2}Source IP {2}192\.0\.2\.1$/m);
  assert.match(human, /^The original inside it$/m);
});

test('--unwrap none analyses the report itself; --unwrap arf leaves a forward as it is', () => {
  const wrapper = json(['--unwrap', 'none', ARF]).body as Report;
  assert.equal(wrapper.container, undefined);
  assert.equal(wrapper.message.subject, 'FW: Earn money');
  assert.equal(wrapper.source?.kind, 'file');

  // A message forwarded as an attachment, built from a corpus message.
  const original = readFileSync(phish[0]!);
  const forward = Buffer.concat([
    Buffer.from('From: Analyst <me@example.org>\r\nTo: abuse@example.org\r\nSubject: Fwd: look at this\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b1\r\nContent-Type: message/rfc822\r\n\r\n'),
    original,
    Buffer.from('\r\n--b1--\r\n'),
  ]);
  const file = join(dir, 'forward.eml');
  writeFileSync(file, forward);
  const unwrapped = json([file]).body as Report;
  assert.equal(unwrapped.container?.kind, 'forwarded');
  assert.equal(unwrapped.message.messageId, (json([phish[0]!]).body as Report).message.messageId);
  const kept = json(['--unwrap', 'arf', file]).body as Report;
  assert.equal(kept.container, undefined);
  assert.equal(kept.message.subject, 'Fwd: look at this');
});

test('a message carrying an attached .eml is judged too: the record is never better than the message it came in', () => {
  // The original: a corpus list message that passes on its own. The attack: a forged or suspicious message that
  // carries it, to be judged by the attachment alone.
  const original = corpusFiles('kernel-list').find((p) => p.endsWith('00002-b23986999551.eml'))!;
  assert.equal((json([original]).body as Report).verdict, 'pass', 'precondition: the original passes');
  const head = [
    'Received: from mail.example.org (mail.example.org [198.51.100.7])',
    '\tby mx.example.net (Postfix) with ESMTPS id 4AB12',
    '\tfor <abuse@example.net>; Mon, 7 Dec 2026 09:00:00 +0000',
    'Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=example.org; dkim=pass header.d=example.org; dmarc=pass header.from=example.org',
    'Return-Path: <me@example.org>',
    'From: Analyst <me@example.org>',
    'To: abuse@example.net',
    'Subject: Fwd: look at this',
    'Date: Mon, 7 Dec 2026 08:59:58 +0000',
    'Message-ID: <fwd-1@example.org>',
  ].join('\r\n');
  const carrying = (name: string, header: string) => {
    const file = join(dir, name);
    const mime = '\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b1\r\nContent-Type: message/rfc822\r\n\r\n';
    writeFileSync(file, Buffer.concat([Buffer.from(header + mime), readFileSync(original), Buffer.from('\r\n--b1--\r\n')]));
    return file;
  };
  const forward = carrying('real-forward.eml', head);
  const suspicious = carrying('spf-fail.eml', head.replace('spf=pass', 'spf=fail').replace('dmarc=pass', 'dmarc=fail'));
  const forged = carrying('second-from.eml', head.replace('From: Analyst <me@example.org>', 'From: Analyst <me@example.org>\r\nFrom: PayPal <service@paypal.com>'));

  const real = json([forward]);
  const realReport = real.body as Report;
  assert.equal(realReport.container?.kind, 'forwarded');
  assert.deepEqual(realReport.container?.wrapper, { verdict: 'pass', score: 0, drivers: [], findings: [], depth: 0, from: 'me@example.org' });
  assert.equal(realReport.verdict, 'pass');
  assert.equal(real.code, 0);
  assert.ok(!realReport.findings.some((f) => f.id === 'container.suspicious-wrapper'));

  const spf = json([suspicious]);
  const spfReport = spf.body as Report;
  assert.equal(spfReport.container?.wrapper?.verdict, 'suspicious');
  assert.deepEqual(spfReport.container?.wrapper?.drivers, ['auth.spf-fail']);
  const finding = spfReport.findings.find((f) => f.id === 'container.suspicious-wrapper');
  assert.equal(finding?.severity, 'medium');
  assert.equal(finding?.evidence[0]?.index, -1, 'the evidence is the wrapper\'s, not a field of the original');
  assert.match(finding?.evidence[0]?.text ?? '', /^Received: from mail\.example\.org/);
  assert.equal(spfReport.verdict, 'suspicious');
  assert.equal(spf.code, 1);
  assert.equal(spfReport.message.messageId, (json([original]).body as Report).message.messageId, 'still the original\'s report');

  const twoFroms = json([forged]);
  assert.equal((twoFroms.body as Report).container?.wrapper?.verdict, 'forged');
  assert.equal((twoFroms.body as Report).findings.find((f) => f.id === 'container.suspicious-wrapper')?.severity, 'high');
  assert.equal(twoFroms.code, 2);

  // The terminal report shows the wrapper's verdict; a scan record is the same report.
  assert.match(runCli(['--offline', forged]).stdout, /^ {2}Wrapper {4}FORGED \(score 10: identity\.ambiguous-from\)$/m);
  const scanned = runCli(['scan', '--offline', '--quiet', forged, forward]);
  assert.deepEqual(scanned.stdout.trim().split('\n').map((l) => (JSON.parse(l) as Report).verdict), ['forged', 'pass']);
  // --unwrap none: the carrier alone, as before.
  assert.equal((json(['--unwrap', 'none', forged]).body as Report).container, undefined);
});

test('forwards nest: a forwarded ARF report is that report, and a forward of a forward its innermost original; bounded', () => {
  const forward = (inner: Buffer, from: string, boundary: string) =>
    Buffer.concat([
      Buffer.from(`From: <${from}>\r\nTo: abuse@example.net\r\nSubject: Fwd: see attached\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n--${boundary}\r\nContent-Type: text/plain\r\n\r\nfor you\r\n--${boundary}\r\nContent-Type: message/rfc822\r\n\r\n`),
      inner,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
  const arfFile = join(dir, 'forwarded-arf.eml');
  writeFileSync(arfFile, forward(readFileSync(ARF), 'desk@example.org', 'f1'));
  const report = json([arfFile]).body as Report;
  assert.equal(report.container?.kind, 'arf');
  assert.equal(report.container?.feedbackType, 'abuse');
  assert.equal(report.container?.sourceIp, '192.0.2.1');
  assert.equal(report.container?.reporter, 'abusedesk@example.com', 'the report\'s reporter, not the forwarder');
  assert.deepEqual(report.container?.via, [{ kind: 'forwarded', reporter: 'desk@example.org', subject: 'Fwd: see attached' }]);
  assert.equal(report.message.from, '<somespammer@example.net>', 'the original inside the report');
  assert.match(runCli(['--offline', arfFile]).stdout, /^ {2}Forwarded {2}desk@example\.org$/m);
  // CSV: a forwarded report is told apart from a direct one.
  const [header, row] = runCli(['scan', '--offline', '-q', '--format', 'csv', arfFile]).stdout.split('\r\n');
  const cell = (name: string) => row!.split(',')[header!.split(',').indexOf(name)];
  assert.equal(cell('container'), 'arf');
  assert.equal(cell('forwarded_by'), 'desk@example.org');
  assert.equal(cell('wrapper_verdict'), 'suspicious', 'the forward has no Received line');

  // Six forwards, each inside the next: unwrapped four deep (the via list), then the forward left is analysed.
  let nested = readFileSync(phish[0]!);
  for (let i = 0; i < 6; i++) nested = forward(nested, `user${i}@example.org`, `n${i}`);
  const deep = join(dir, 'six-forwards.eml');
  writeFileSync(deep, nested);
  const deepReport = json([deep]).body as Report;
  assert.deepEqual(deepReport.container?.via?.map((v) => v.reporter), ['user5@example.org', 'user4@example.org', 'user3@example.org', 'user2@example.org']);
  assert.equal(deepReport.container?.reporter, 'user1@example.org');
  assert.equal(deepReport.message.from, '<user0@example.org>');
  // A user forwards a phishing message that carries a harmless original: every container is judged, the worst counts.
  const ham = corpusFiles('kernel-list').find((p) => p.endsWith('00002-b23986999551.eml'))!;
  const carrier = Buffer.concat([
    Buffer.from('From: Analyst <me@example.org>\r\nFrom: PayPal <service@paypal.com>\r\nTo: you@example.net\r\nSubject: locked\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="c1"\r\n\r\n--c1\r\nContent-Type: message/rfc822\r\n\r\n'),
    readFileSync(ham),
    Buffer.from('\r\n--c1--\r\n'),
  ]);
  const carried = join(dir, 'forwarded-carrier.eml');
  writeFileSync(carried, forward(carrier, 'user@example.org', 'u1'));
  const carriedRun = json([carried]);
  const carriedReport = carriedRun.body as Report;
  assert.equal(carriedReport.message.messageId, (json([ham]).body as Report).message.messageId, 'the harmless original is analysed');
  assert.equal(carriedReport.container?.wrapper?.verdict, 'forged');
  assert.equal(carriedReport.container?.wrapper?.depth, 1);
  assert.equal(carriedReport.container?.wrapper?.from, 'me@example.org');
  assert.equal(carriedReport.verdict, 'forged');
  assert.equal(carriedRun.code, 2);
  // A forwarded message that only looks like a report (no original in it) stays a forward, its forwarder the reporter.
  const lookalike = join(dir, 'forwarded-unsubscribe.eml');
  writeFileSync(lookalike, forward(Buffer.from('From: <no-reply@microsoft.com>\r\nX-Apple-Unsubscribe: true\r\nSubject: x\r\n\r\nbody\r\n'), 'user@example.org', 'u2'));
  const lookalikeReport = json([lookalike]).body as Report;
  assert.equal(lookalikeReport.container?.kind, 'forwarded');
  assert.equal(lookalikeReport.container?.reporter, 'user@example.org');
  assert.equal(lookalikeReport.container?.via, undefined);
  // A forged report (two From fields) gives a forged record, and the summary does not count its reporter.
  const summaryDir = join(dir, 'reports');
  mkdirSync(summaryDir, { recursive: true });
  writeFileSync(join(summaryDir, 'real.eml'), readFileSync(ARF));
  writeFileSync(join(summaryDir, 'forged.eml'), Buffer.concat([Buffer.from('From: <fbl@bigmail.example>\r\n'), readFileSync(ARF)]));
  const summaryFile = join(dir, 'reports-summary.json');
  const scan = runCli(['scan', '--offline', '-q', '--summary', summaryFile, summaryDir]);
  const verdicts = scan.stdout.trim().split('\n').map((l) => (JSON.parse(l) as Report).container?.wrapper?.verdict);
  assert.deepEqual(verdicts.sort(), ['forged', 'suspicious']);
  const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as { top: { reporters: { key: string; count: number }[] } };
  assert.deepEqual(summary.top.reporters.map((r) => [r.key, r.count]), [['abusedesk@example.com', 1]]);
  // Two forwards: the phish itself.
  let two = readFileSync(phish[0]!);
  for (let i = 0; i < 2; i++) two = forward(two, `user${i}@example.org`, `t${i}`);
  const twoFile = join(dir, 'two-forwards.eml');
  writeFileSync(twoFile, two);
  assert.equal((json([twoFile]).body as Report).message.messageId, (json([phish[0]!]).body as Report).message.messageId);
});

test('every sisimai ARF sample through the analyst command: the feedback type its suite expects', () => {
  const root = corpusPath('suites', 'arf', 'sisimai');
  const expected = JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8')) as Record<string, { feedback_type: string }[]>;
  const files = Object.keys(expected);
  const reports = json(files.map((f) => join(root, f))).body as Report[];
  assert.equal(reports.length, files.length);
  reports.forEach((report, i) => assert.equal(report.container?.feedbackType, expected[files[i]!]![0]!.feedback_type, files[i]));
});

test('a named pipe (`mailtrace <(zcat archive.mbox.gz)`) is read as stdin is: an mbox, or one message', () => {
  const viaPipe = (args: string, file: string) =>
    spawnSync('bash', ['-c', `"$0" "$1" ${args} <(cat "$2")`, process.execPath, BIN, file], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const all = viaPipe('--offline --json', mbox);
  assert.equal(all.stderr, '');
  const reports = JSON.parse(all.stdout) as Report[];
  assert.deepEqual(reports.map((x) => x.message.messageId), (json([mbox]).body as Report[]).map((x) => x.message.messageId));
  assert.match(reports[1]!.source!.path!, /^\/dev\/fd\/\d+$/);
  const one = viaPipe('scan --offline -q', phish[0]!);
  const rec = JSON.parse(one.stdout) as Report;
  assert.equal(rec.source?.kind, 'file');
  assert.equal(rec.message.messageId, (json([phish[0]!]).body as Report).message.messageId);
});

test('the reader of stdout goes away (| head): the run stops quietly, no stack trace', () => {
  const r = spawnSync('bash', ['-c', '"$0" "$@" | head -c 100 > /dev/null; exit "${PIPESTATUS[0]}"', process.execPath, BIN, '--offline', mbox], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  assert.equal(r.stderr, '');
  assert.ok(r.status !== null && r.status <= 2, `exit ${r.status}`);
});

test('stdout that cannot be written (a full disk): one line and exit 74', () => {
  for (const args of [['--offline', mbox], ['--offline', '--json', mbox], ['scan', '--offline', '-q', mbox]]) {
    const full = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', stdio: ['ignore', full, 'pipe'] });
      assert.equal(r.status, 74, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^mailtrace: .*cannot write .*no space left/);
    } finally {
      closeSync(full);
    }
  }
});

test('stdout a file that reaches its size limit (ulimit -f) in one write: one line and exit 74, not a cut report', () => {
  // One report is one write, and the limit makes it short rather than failed: Node's file stdout ignored the short
  // count, so the report was cut at 2 KiB and the run exited 0 without a word.
  const sample = 'fixtures/sample/message.eml';
  for (const args of [['--offline', sample], ['--offline', '--json', sample], ['scan', '--offline', '-q', sample]]) {
    const out = join(dir, 'limited.out');
    const r = spawnSync('bash', ['-c', 'ulimit -f 2 && exec "$0" "$@" > "$OUT"', process.execPath, BIN, ...args], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', OUT: out },
    });
    assert.equal(r.status, 74, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^mailtrace: stdout: cannot write .*\(file too large\)/);
  }
});

test('binary data on stdin is refused from its first 4 KB, without waiting for the rest (stdin left open)', async () => {
  // /dev/urandom piped in was read to the 256 MiB cap (1.8 s, 320 MB) before the analysis refused it. Here stdin is
  // never closed: only a refusal made on the bytes at hand ends the process.
  const child = spawn(process.execPath, [BIN, '--offline', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const binary = Buffer.alloc(8192);
  for (let i = 0; i < binary.length; i++) binary[i] = (i * 131 + 7) % 256; // NULs and control bytes, a 4 KB of them
  child.stdin.on('error', () => undefined); // the refusal may close the pipe under a pending write
  child.stdin.write(binary);
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000); // a hang guard, not a timing target
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(guard);
  child.stdin.destroy();
  assert.equal(code, 65, Buffer.concat(err).toString());
  assert.equal(Buffer.concat(err).toString(), 'mailtrace: (stdin): binary data, not a mail message\n');
  assert.equal(Buffer.concat(out).length, 0);
  // A message under 4 KB is judged by the analysis as before: the same words.
  const small = runCli(['--offline', '-'], { input: binary.subarray(0, 1000) });
  assert.equal(small.code, 65);
  assert.equal(small.stderr, 'mailtrace: (stdin): binary data, not a mail message\n');
});

test('"-" named twice is a usage error (64, one line): the second read found stdin at its end, an "empty" message', () => {
  const r = runCli(['--offline', '-', phish[0]!, '-'], { input: readFileSync(phish[1]!) });
  assert.equal(r.code, 64);
  assert.equal(r.stderr, 'mailtrace: "-" (stdin) can be named only once\n');
  assert.equal(r.stdout, '');
});
