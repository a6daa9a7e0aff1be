// The analyst's terminal report, run as a process: what a hostile header can and cannot do to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { corpusPath } from '../helpers/corpus.js';
import { fittedWidths } from '../../src/render/human.js';
import { scratchDir } from '../helpers/scratch.js';

const tmp = scratchDir('human-report');

const HEADER = 'To: a@example.net\nDate: Tue, 12 Mar 2024 10:14:02 +0100\nMessage-ID: <x@example.org>\n';

function write(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

test('characters a terminal draws as nothing are shown as escapes, emoji presentation stays', () => {
  // U+034F between the letters of a display name is what phishing_pot's sample-2437 does ("d͏o͏n͏o͏t͏r͏e͏p͏l͏y͏@e͏v͏r͏i͏.c͏o͏m͏"):
  // it read as "donotreply@evri.com". U+061C is a bidi mark like U+200F; tag characters hide whole words.
  const evil = write(
    'invisible.eml',
    `From: "P\u034fa\u034fy\u034fP\u034fa\u034fl" <x@evil.example>\nSubject: paypal.com\u{E0020}\u{E0065}\u{E0076}\u{E0069}\u{E006C} \u061c42 \u00ad\u3164\u206a ❤️\n${HEADER}\nbody\n`,
  );
  const r = runCli(['--offline', evil]);
  assert.ok([0, 1, 2].includes(r.code!), r.stderr);
  assert.doesNotMatch(r.stdout, /[\u034f\u061c\u00ad\u3164\u206a]|[\u{E0000}-\u{E007F}]/u);
  assert.match(r.stdout, /P\\u034fa\\u034fy/);
  assert.match(r.stdout, /paypal\.com\\u\{e0020\}\\u\{e0065\}/);
  assert.match(r.stdout, /\\u061c42 \\xad\\u3164\\u206a ❤️/);
});

test('a header padded with thousands of findings of one rule lists ten of them and counts the rest', () => {
  const received = Array.from({ length: 2000 }, (_, i) => `Received: garbage${i}\n`).join('');
  const path = write('padded.eml', `${received}From: x <bob@evil.example>\nSubject: hi\n${HEADER}\nbody\n`);
  const r = runCli(['--offline', path]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout.match(/\[hops\.unparseable\]$/gm)?.length, 10);
  assert.match(r.stdout, /^ {2}… 1,990 more \[hops\.unparseable\] findings not shown \(--json lists every finding\)$/m);
  assert.match(r.stdout, /^Verdict: SUSPICIOUS \(score \d+, exit 1\) — decided by hops\.unparseable/m);
  assert.ok(r.stdout.split('\n').length < 200, `${r.stdout.split('\n').length} lines`);
  const json = JSON.parse(runCli(['--offline', '--json', path]).stdout);
  assert.equal(json.findings.filter((f: { id: string }) => f.id === 'hops.unparseable').length, 2000);
});

test('a finding title naming a 15,000-character domain is cut like every other value', () => {
  const long = `${'d'.repeat(15_000)}.example`;
  const path = write(
    'long-domain.eml',
    `Authentication-Results: mx.example.net; dmarc=fail (p=reject) header.from=${long}\n` +
      'Received: from h.example ([203.0.113.5]) by mx.example.net with ESMTP; Tue, 12 Mar 2024 10:14:03 +0100\n' +
      `From: x <bob@${long}>\nSubject: hi\n${HEADER}\nbody\n`,
  );
  const r = runCli(['--offline', path]);
  assert.match(r.stdout, /DMARC fails for d+…/);
  const widest = Math.max(...r.stdout.split('\n').map((line) => line.length));
  assert.ok(widest < 1000, `a line of ${widest} characters`);
});

test('a backslash and an "n" in a reverse-DNS name stay text, not a line of the hop table', () => {
  // The rdns row used to be escaped and then every "\n" in it turned back into a newline, the name's own included:
  // "x\nrdns.paypal.com" drew a line of its own reading "rdns.paypal.com".
  const path = write(
    'rdns.eml',
    'Received: from good.example (x\\nrdns.paypal.com [203.0.113.5])\n\tby mx.example.net (Postfix) with ESMTP id ABC; Tue, 12 Mar 2024 10:14:03 +0100\n' +
      `From: x <bob@evil.example>\nSubject: hi\n${HEADER}\nbody\n`,
  );
  const r = runCli(['--offline', path]);
  assert.match(r.stdout, /^│ {3}│ rdns x\\nrdns\.paypal\.com │/m);
  assert.doesNotMatch(r.stdout, /^│ {3}│ rdns\.paypal\.com/m);
});

test('a Received date on a day the month does not have is shown as written, not as the day it rolls over to', () => {
  const path = write(
    'feb31.eml',
    'Received: from a.example ([203.0.113.9]) by mx.example.net with ESMTP; Tue, 12 Mar 2024 10:14:03 +0000\n' +
      'Received: from b.example ([203.0.113.5]) by a.example with ESMTP; Sat, 31 Feb 2024 09:14:03 +0000\n' +
      `From: x <bob@evil.example>\nSubject: hi\n${HEADER}\nbody\n`,
  );
  const r = runCli(['--offline', path]);
  assert.match(r.stdout, /│ 1 │ b\.example .*│ \? Sat, 31 Feb 2024 09:14:03 \+00… │ +│/);
  assert.doesNotMatch(r.stdout, /2024-03-02/);
  const report = JSON.parse(runCli(['--offline', '--json', path]).stdout);
  assert.equal(report.hops[0].timestamp, undefined);
});

test('a Received date that cannot be read is marked in the time (UTC) column, not shown as if it were a UTC time', () => {
  const path = write(
    'unread-date.eml',
    'Received: from a.example ([203.0.113.9]) by mx.example.net with ESMTP; Tue, 12 Mar 2024 10:14:03 +0000\n' +
      'Received: from b.example ([203.0.113.5]) by a.example with ESMTP; 12 Mar 2024 25:14:03 +0900\n' +
      `From: x <bob@evil.example>\nSubject: hi\n${HEADER}\nbody\n`,
  );
  const r = runCli(['--offline', path]);
  assert.match(r.stdout, /│ 1 │ b\.example .*│ \? 12 Mar 2024 25:14:03 \+0900 │ +│ untrusted │/);
  assert.match(r.stdout, /│ 2 │ a\.example .*│ 2024-03-12 10:14:03 {10}│ +│ boundary  │/);
});

test('a pile of combining marks on one letter is cut to three, the rest escaped; real accents stay', () => {
  // "Zalgo" text: hundreds of accents on a letter are drawn over the rows above and below it.
  const path = write('zalgo.eml', `From: "P${'\u0301\u0300\u0302'.repeat(40)}ayPal" <x@evil.example>\nSubject: Vi\u1ec7t Vie\u0302\u0323t \u0e01\u0e34\u0e4a\n${HEADER}\nbody\n`);
  const r = runCli(['--offline', path]);
  assert.ok([0, 1, 2].includes(r.code!), r.stderr);
  assert.doesNotMatch(r.stdout, /\p{M}{4}/u);
  assert.match(r.stdout, /P\u0301\u0300\u0302\\u0301\\u0300\\u0302\\u0301/);
  assert.match(r.stdout, /Subject {4}Vi\u1ec7t Vie\u0302\u0323t \u0e01\u0e34\u0e4a$/m);
});

test('tables are fitted to $COLUMNS (or the terminal): host names wrap inside their column, IP and time stay whole', () => {
  // A real route through OVH, improvmx and Proton Mail: its hop table is ~150 columns wide.
  const route = corpusPath('phishing_pot', 'sample-1289.eml');
  const natural = runCli(['--offline', route]);
  const tableLines = (out: string) => out.split('\n').filter((l) => /^[┌│├└]/.test(l));
  assert.ok(Math.max(...tableLines(natural.stdout).map((l) => l.length)) > 140, 'without a width, the table keeps its natural size');
  for (const width of [120, 100]) {
    const r = runCli(['--offline', route], { env: { COLUMNS: String(width) } });
    assert.equal(r.code, natural.code);
    const lines = tableLines(r.stdout);
    assert.ok(lines.length > tableLines(natural.stdout).length, `${width}: rows wrap onto more lines`);
    for (const line of lines) assert.ok(line.length <= width, `${width}: ${line.length} columns: ${line}`);
    // Nothing is cut: the wrapped host name's pieces, read down its column, give the name back.
    const hop5 = r.stdout.slice(r.stdout.indexOf('│ 5 │'), r.stdout.indexOf('└'));
    const byColumn = hop5.split('\n').filter((l) => l.startsWith('│')).map((l) => l.split('│')[4]!.trim()).filter(Boolean);
    assert.equal(byColumn.join('').slice(0, 'mailin037.protonmail.ch'.length), 'mailin037.protonmail.ch', `${width}: ${byColumn.join('|')}`);
    assert.match(r.stdout, /│ 51\.255\.220\.188 +│/, `${width}: the IP column is not narrowed`);
    // The date goes over the time before a host name is narrowed; a name breaks after a dot or a hyphen.
    assert.match(r.stdout, /│ 2023-09-04 │[^\n]*\n[^\n]*│ 05:38:29   │/, `${width}: date over time`);
    assert.ok(byColumn.slice(0, -1).every((piece) => /[.-]$/.test(piece)), `${width}: ${byColumn.join('|')}`);
  }
});

test('on a terminal too narrow for the hop table, each hop is a block of labelled lines, nothing cut', () => {
  // At 80 columns the eight columns left host names 5 letters a line and split the IPs over two lines.
  const route = corpusPath('phishing_pot', 'sample-1289.eml');
  const wide = runCli(['--offline', '--json', route]);
  const report = JSON.parse(wide.stdout) as { hops: { from?: { helo?: string; ip?: string }; by?: string }[] };
  for (const width of [80, 60]) {
    const r = runCli(['--offline', route], { env: { COLUMNS: String(width) } });
    const hops = r.stdout.slice(r.stdout.indexOf('Hops'), r.stdout.indexOf('  total delay'));
    assert.doesNotMatch(hops, /[┌│└]/, `${width}: no table`);
    for (const line of hops.split('\n')) assert.ok(line.length <= width, `${width}: ${line}`);
    assert.match(hops, /^ {2}5 {2}boundary {3}2023-09-04 05:38:29 {2}\+8s$/m);
    // Every hop's HELO, IP and receiving host, whole, in order.
    const values = (label: string) => [...hops.matchAll(new RegExp(`^ {5}${label} +(\\S+)$`, 'gm'))].map((m) => m[1]);
    assert.deepEqual(values('IP'), report.hops.map((h) => h.from?.ip));
    assert.deepEqual(values('by'), report.hops.map((h) => h.by));
    assert.deepEqual(values('from'), report.hops.map((h) => h.from?.helo));
  }
  // A hop with no time, one that is unparseable and an IPv6 client: the blocks still read whole, no trailing blanks.
  const odd = write('odd-hops.eml', `Received: by mx.example.net (Postfix, from userid 1000)\n\tid 4AbC; Mon, 23 Nov 2026 07:00:05 +0000\nReceived: garbage garbage garbage\nReceived: from mail.x.example (x.example [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff])\n\tby mx.example.net with ESMTPS id 1; Mon, 23 Nov 2026 07:00:01 +0000\nFrom: a@x.example\nSubject: t\n${HEADER}\nbody\n`);
  const r = runCli(['--offline', odd], { env: { COLUMNS: '50' } });
  const hops = r.stdout.slice(r.stdout.indexOf('Hops'), r.stdout.indexOf('  total delay'));
  assert.match(hops, /^ {5}IP {4}2001:db8:ffff:ffff:ffff:ffff:ffff:ffff$/m);
  assert.match(hops, /^ {2}2 {2}trusted\n {5}from {2}\(unparseable\)$/m);
  assert.match(hops, /^ {5}from {2}\(local\)$/m);
  for (const line of hops.split('\n')) assert.ok(line.length <= 50 && !line.endsWith(' '), JSON.stringify(line));
});

test('fittedWidths: wrappable columns are narrowed to one cap first, every column only when that is not enough', () => {
  // Natural widths of the hop table above: #, from, IP, by, protocol, time, delay, trust (padding included).
  const widths = [3, 35, 16, 35, 16, 21, 7, 11];
  const fit = (room: number) => fittedWidths(widths, room, [1, 3, 4]);
  assert.deepEqual(fit(200), widths, 'room to spare: unchanged');
  assert.deepEqual(fit(120 - 9), [3, 18, 16, 18, 16, 21, 7, 11]);
  const used = fit(120 - 9).reduce((a, b) => a + b);
  assert.ok(used <= 111 && used >= 111 - 3, `the room is used, but for the cap's rounding: ${used}`);
  // 90 columns: the wrappable columns at their floor, and only the time column gives up a character (IP whole).
  assert.deepEqual(fit(90 - 9), [3, 8, 16, 8, 8, 20, 7, 11]);
  const narrow = fit(80 - 9);
  assert.ok(narrow.reduce((a, b) => a + b) <= 71, `fits: ${narrow.join(',')}`);
  assert.ok(narrow.every((w) => w >= 8 || widths.includes(w)), 'no column below the floor unless it was narrower');
  assert.deepEqual([narrow[0], narrow[6]], [3, 7], 'columns under the shared cap keep their width');
});

test('a fitted table wraps wide characters by the columns they take: none is cut off behind an ellipsis', () => {
  // cli-table3 wraps a narrowed cell by its length in UTF-16 units and then cuts each line to the column's width in
  // terminal columns: a line of 10 CJK characters is 20 columns, so 6 of every 10 were dropped for a "…".
  const host = '中文域名'.repeat(10) + '.example';
  const path = write('wide.eml', `Received: from ${host} (mail.x.example [192.0.2.10])\n\tby mx.rcpt.example (Postfix) with ESMTPS id 4A; Mon, 23 Nov 2026 07:00:05 +0000\nReceived: from a-very-long-host-name-of-the-sender-that-goes-on.example.com (x [198.51.100.7])\n\tby ${host} (Postfix) with ESMTPS id 1; Mon, 23 Nov 2026 07:00:01 +0000\nFrom: a@x.example\nSubject: t\n${HEADER}\nbody\n`);
  const r = runCli(['--offline', '--color', 'never', path], { env: { COLUMNS: '100' } });
  const hops = r.stdout.slice(r.stdout.indexOf('Hops'), r.stdout.indexOf('total delay'));
  assert.doesNotMatch(hops, /…/, hops);
  assert.equal([...hops].filter((c) => '中文域名'.includes(c)).length, 2 * 40, hops);
});

test('a fitted table in colour keeps its escape codes whole: an 80-column terminal gets no stray "[22m"', () => {
  // Where every column must narrow (80 columns), cli-table3 broke a bold header such as "#" by its length with the
  // codes counted, mid-code: a lone ESC at a line's end and "[1m", "22m" in the cells below, on every hop table.
  const host = 'a-very-long-host-name-of-the-sender-that-goes-on.example.com';
  const path = write('colour.eml', `Received: from ${host} (mail.x.example [192.0.2.10])\n\tby mx.rcpt.example (Postfix) with ESMTPS id 4A; Mon, 23 Nov 2026 07:00:05 +0000\nReceived: from x (x [198.51.100.7])\n\tby ${host} (Postfix) with ESMTPS id 1; Mon, 23 Nov 2026 07:00:01 +0000\nFrom: a@x.example\nSubject: t\n${HEADER}\nbody\n`);
  const r = runCli(['--offline', '--color', 'always', path], { env: { COLUMNS: '80' } });
  const tables = r.stdout.split('\n').filter((l) => /^[│┌├└]/.test(l));
  for (const line of tables) {
    const plain = line.replace(/\x1b\[[0-9;]*m/g, '');
    assert.doesNotMatch(plain, /\x1b|\[\d*m|\d+m\b/, line);
    assert.ok([...plain].length <= 80, `${[...plain].length}: ${plain}`);
  }
  assert.match(r.stdout, /\x1b\[1m\x1b\[36mbound/, 'the boundary is still drawn in colour');
});

test('findings are listed worst first, so the ones that decided the verdict lead; the JSON keeps the rules\' order', () => {
  // A Microsoft 365 phish: the receiver recorded dmarc=fail (high) and dkim=fail (medium); its Reply-To (low) comes
  // first in the rules' order.
  const path = corpusPath('phishing_pot', 'sample-101.eml');
  const json = JSON.parse(runCli(['--offline', '--json', path]).stdout) as { findings: { severity: string }[] };
  const rank = ['info', 'low', 'medium', 'high'];
  const jsonOrder = json.findings.map((f) => f.severity);
  assert.notDeepEqual(jsonOrder, [...jsonOrder].sort((a, b) => rank.indexOf(b) - rank.indexOf(a)), 'the JSON is in the rules\' order');
  const shown = [...runCli(['--offline', '--color', 'never', path]).stdout.matchAll(/^ {2}(INFO|LOW|MEDIUM|HIGH) /gm)].map((m) => m[1]!.toLowerCase());
  assert.equal(shown.length, jsonOrder.length);
  assert.deepEqual(shown, [...jsonOrder].sort((a, b) => rank.indexOf(b) - rank.indexOf(a)));
  assert.equal(shown[0], 'high');
});
