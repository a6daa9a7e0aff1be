import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { enumerateInputs, streamMail, type InputItem } from '../../src/input/index.js';
import { expandGlob } from '../../src/input/glob.js';
import { readPathList, type ListedPath } from '../../src/input/path-list.js';
import { Visited } from '../../src/input/walk.js';
import { scratchDir } from '../helpers/scratch.js';

const msg = (subject: string) => `From: a@example.com\nSubject: ${subject}\n\nbody\n`;

async function all(inputs: string[], options = {}): Promise<InputItem[]> {
  const out: InputItem[] = [];
  for await (const item of enumerateInputs(inputs, options)) out.push(item);
  return out;
}

function tree(): string {
  const root = scratchDir('inputs');
  mkdirSync(join(root, 'a/b'), { recursive: true });
  writeFileSync(join(root, 'a/one.eml'), msg('one'));
  writeFileSync(join(root, 'a/b/two.eml'), msg('two'));
  writeFileSync(join(root, 'a/.hidden'), msg('hidden'));
  // Maildir: cur/ and new/ are read, tmp/ (deliveries in progress) is not
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(root, 'box', sub), { recursive: true });
  writeFileSync(join(root, 'box/cur/1700000000.M1P1.host:2,S'), msg('cur'));
  writeFileSync(join(root, 'box/new/1700000001.M2P2.host'), msg('new'));
  writeFileSync(join(root, 'box/tmp/1700000002.M3P3.host'), msg('tmp'));
  writeFileSync(join(root, 'box/dovecot-uidlist'), '3 V1 N4\n');
  // symlink loops and a second path to the same tree
  symlinkSync('..', join(root, 'a/b/up'));
  symlinkSync(join(root, 'a'), join(root, 'again'));
  // mbox by content (two messages) and a single message that starts with a From line
  writeFileSync(join(root, 'archive'), `From x@y Mon Jan  1 10:00:00 2024\n${msg('m1')}\nFrom x@y Mon Jan  1 10:00:01 2024\n${msg('m2')}\n`);
  writeFileSync(join(root, 'single.eml'), `From x@y Mon Jan  1 10:00:00 2024\n${msg('single')}`);
  return root;
}

const subjects = (items: InputItem[]) => items.filter((i) => i.bytes).map((i) => /Subject: (\w+)/.exec(Buffer.from(i.bytes!).toString())![1]);

test('a directory tree: every message once, symlink loops and duplicate paths not followed twice, Maildir tmp/ skipped', async () => {
  const root = tree();
  const items = await all([root]);
  assert.deepEqual(subjects(items).sort(), ['cur', 'm1', 'm2', 'new', 'one', 'single', 'two']);
  assert.equal(items.filter((i) => i.error).length, 0);
  const kinds = new Map(items.map((i) => [/Subject: (\w+)/.exec(Buffer.from(i.bytes!).toString())![1], i.source]));
  assert.equal(kinds.get('cur')!.kind, 'maildir');
  const archive = readFileSync(join(root, 'archive'), 'latin1');
  assert.deepEqual(kinds.get('m2'), { kind: 'mbox', path: join(root, 'archive'), offset: archive.lastIndexOf('From x@y'), index: 1 });
  assert.equal(kinds.get('single')!.kind, 'file', 'one message behind a From line is a plain file');
  assert.equal(kinds.get('single')!.index, undefined);
});

test('Maildir++ folders (.Junk, .INBOX.sub) are walked as Maildirs; other dot-entries are still skipped', async () => {
  const root = scratchDir('maildirplus');
  for (const folder of ['', '.Junk', '.INBOX.sub']) for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(root, folder, sub), { recursive: true });
  writeFileSync(join(root, 'cur/1.M1.h:2,S'), msg('inbox'));
  writeFileSync(join(root, '.Junk/new/2.M2.h'), msg('junk'));
  writeFileSync(join(root, '.Junk/tmp/3.M3.h'), msg('delivering'));
  writeFileSync(join(root, '.INBOX.sub/cur/4.M4.h:2,S'), msg('sub'));
  mkdirSync(join(root, '.git/objects'), { recursive: true });
  writeFileSync(join(root, '.git/objects/x.eml'), msg('git'));
  mkdirSync(join(root, '.notbox/cur'), { recursive: true }); // cur/ without new/: not a Maildir
  writeFileSync(join(root, '.notbox/cur/5.eml'), msg('notbox'));
  writeFileSync(join(root, '.hidden.eml'), msg('hidden'));
  symlinkSync(join(root, '.Junk'), join(root, '.Spam')); // a second name for one folder: read once
  const items = await all([root]);
  assert.deepEqual(subjects(items), ['sub', 'junk', 'inbox'], 'name order: .INBOX.sub, .Junk, cur');
  assert.ok(items.every((i) => i.source.kind === 'maildir'));
});

test('the same file named twice, or inside a directory also named, is scanned once', async () => {
  const root = tree();
  const items = await all([join(root, 'a/one.eml'), join(root, 'a'), join(root, 'a/one.eml')]);
  assert.deepEqual(subjects(items).sort(), ['one', 'two']);
});

test('visited files are told apart by device and inode together', () => {
  const seen = new Visited();
  assert.equal(seen.add({ dev: 2049, ino: 12 }), true);
  assert.equal(seen.add({ dev: 2049, ino: 12 }), false, 'the same file again');
  assert.equal(seen.add({ dev: 66, ino: 12 }), true, 'the same inode number on another device is another file');
  assert.equal(seen.add({ dev: 2049, ino: 2 ** 40 }), true, 'an inode number past 32 bits');
  assert.equal(seen.add({ dev: 2049, ino: 2 ** 40 }), false);
  assert.equal(seen.add({ dev: 2049, ino: 2 ** 40 + 1 }), true);
});

test('missing paths and unmatched globs are error items, in order, not exceptions', async () => {
  const root = tree();
  const items = await all([join(root, 'nope.eml'), join(root, 'a/one.eml'), join(root, '*.zzz')]);
  assert.deepEqual(items.map((i) => i.error?.code ?? 'ok'), ['no-input', 'ok', 'no-input']);
  assert.equal(items[0]!.source.path, join(root, 'nope.eml'));
});

test('quoted globs: * within a segment and ** across directories', async () => {
  const root = tree();
  assert.deepEqual(await expandGlob(join(root, 'a/*.eml')), [join(root, 'a/one.eml')]);
  assert.deepEqual(await expandGlob(join(root, 'a/**/*.eml')), [join(root, 'a/b/two.eml'), join(root, 'a/one.eml')].sort());
  const items = await all([join(root, 'a/**/t?o.eml')]);
  assert.deepEqual(subjects(items), ['two']);
});

test("quoted globs do not expand into a Maildir's tmp/ (deliveries in progress), as the walk does not enter it", async () => {
  const root = tree();
  const inbox = [join(root, 'box/cur/1700000000.M1P1.host:2,S'), join(root, 'box/new/1700000001.M2P2.host')];
  assert.deepEqual(await expandGlob(join(root, '**/*.host*')), inbox);
  assert.deepEqual(await expandGlob(join(root, 'box/*/*')), inbox);
  assert.deepEqual(await expandGlob(join(root, 'box/t*')), [], 'not the tmp/ folder itself either');
  const items = await all([join(root, 'box/*')]); // cur/ and new/ walked, tmp/ not matched
  const paths = items.map((i) => i.source.path);
  assert.ok(inbox.every((p) => paths.includes(p)));
  assert.ok(!paths.some((p) => p?.includes('/box/tmp')), paths.join(', '));
  assert.deepEqual(await expandGlob(join(root, 'box/tmp/*')), [join(root, 'box/tmp/1700000002.M3P3.host')], 'named literally: taken at its word');
  mkdirSync(join(root, 'a/tmp'));
  writeFileSync(join(root, 'a/tmp/x.eml'), msg('x'));
  assert.deepEqual(await expandGlob(join(root, 'a/**/x.eml')), [join(root, 'a/tmp/x.eml')], 'a tmp/ outside a Maildir is a folder like any other');
});

test('path list on stdin: newline- and NUL-separated (names with spaces and newlines survive -0)', async () => {
  const root = tree();
  const odd = join(root, 'odd\nname .eml');
  writeFileSync(odd, msg('odd'));
  const nul = Readable.from([Buffer.from(`${join(root, 'a/one.eml')}\0${odd}\0`)]);
  const items = await all(['-'], { stdin: nul, nulSeparated: true });
  assert.deepEqual(subjects(items), ['one', 'odd']);
  const lines: string[] = [];
  for await (const p of readPathList(Readable.from([Buffer.from('x.eml\r\ny'), Buffer.from('.eml\n\n')]), false)) lines.push(p.path);
  assert.deepEqual(lines, ['x.eml', 'y.eml']);
});

test('a single message behind a From line is analysed exactly as the file holds it (no >From unquoting)', async () => {
  const root = scratchDir('single');
  const text = `From x@y Mon Jan  1 10:00:00 2024\nFrom: a@example.com\nSubject: s\n\n>From the body\n`;
  writeFileSync(join(root, 'one'), text);
  const [item] = await all([join(root, 'one')]);
  assert.equal(Buffer.from(item!.bytes!).toString(), text);
  assert.deepEqual(item!.source, { kind: 'file', path: join(root, 'one') });
});

/** What "-" was read as: 'mail' (one message or an mbox stream) or the paths of a list, in order. */
async function stdinAs(chunks: (string | Buffer)[], cwd: string): Promise<'mail' | 'list' | string[]> {
  const items = await all(['-'], { stdin: Readable.from(chunks.map((c) => Buffer.from(c))) });
  if (items.every((i) => i.source.kind === 'stdin' || (i.source.kind === 'mbox' && i.source.path === undefined))) return 'mail';
  if (items.some((i) => !i.source.path!.startsWith(cwd))) return 'list'; // relative names: a list, as the kind says
  return items.map((i) => i.source.path!.slice(cwd.length + 1));
}

test('stdin: mail is told from a path list by its first line that is not blank, and a list is only read as one', async () => {
  const root = tree();
  const mbox = `From x@y Mon Jan  1 10:00:00 2024\n${msg('m1')}\nFrom x@y Mon Jan  1 10:00:01 2024\n${msg('m2')}\n`;
  const long = 'a'.repeat(70_000); // longer than the peek: no path is that long
  const cases: [string, (string | Buffer)[], 'mail' | 'list' | string[]][] = [
    ['a field name with "/" (printable US-ASCII but ":")', [`X-Original/To: v@example.org\nFrom: a@evil.example\n\n${root}/box/cur/*\n`], 'mail'],
    ['a message with a single field', [`Subject: hi\n\n${root}/a\n`], 'mail'],
    ['an obsolete space before the colon', [`Subject : hi\n\n${root}/a\n`], 'mail'],
    ['a From line that is no separator', [`From someone\nSubject: hi\n\n${root}/a\n`], 'mail'],
    ['an mbox stream after blank lines', ['\n \r\n', mbox], 'mail'],
    ['a message after blank lines, fed a byte at a time', [...`\n\nX-A-B: 1\n\n${root}/a\n`], 'mail'],
    ['a "/" field then a continuation, a byte at a time', [...`X-A/B: 1\n 2\n\n${root}/a\n`], 'mail'],
    ['a first line longer than the peek', [long, `\n${root}/a\n`], 'mail'],
    ['a first field longer than the peek', [`X-Long: ${long}\n\n${root}/a\n`], 'mail'],
    ['a first line with a control character', [`\u001b[1m${root}/a\n`], 'mail'],
    ['a path list', [`${root}/a/one.eml\n${root}/archive\n`], ['a/one.eml', 'archive', 'archive']],
    ['a path list after blank lines, a byte at a time', [...`\n\n${root}/a/one.eml\n`], ['a/one.eml']],
    // Maildir names hold a ':' ("...:2,S"): a list whose first file has been renamed since is still a list.
    ['a Maildir list whose first name is gone', [`${root}/box/cur/1733.M1P1.host,S=1:2,S\n${root}/a/one.eml\n`], ['box/cur/1733.M1P1.host,S=1:2,S', 'a/one.eml']],
    ['the same as `ls` writes it, bare names', [`1733.M1P1.host,S=1:2,S\n1733.M2P1.host,S=1:2,S\n`], 'list'],
  ];
  for (const [name, chunks, expected] of cases) assert.deepEqual(await stdinAs(chunks, root), expected, name);
});

test('stdin: an mbox after a byte-order mark and blank lines is an mbox (it was one message holding both)', async () => {
  const mbox = `From x@y Mon Jan  1 10:00:00 2024\n${msg('m1')}\nFrom x@y Mon Jan  1 10:00:01 2024\n${msg('m2')}\n`;
  for (const lead of ['', '\n\n']) {
    const stdin = Readable.from([Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lead + mbox)])]);
    const items = await all(['-'], { stdin });
    assert.deepEqual(items.map((i) => [i.source.kind, i.source.kind === 'mbox' ? i.source.index : -1, i.error?.code ?? 'ok']), [
      ['mbox', 0, 'ok'],
      ['mbox', 1, 'ok'],
    ], JSON.stringify(lead));
  }
});

test('stdin: the entries of a path list are names, never globs, even when they name nothing', async () => {
  const root = tree();
  const items = await all(['-'], { stdin: Readable.from([Buffer.from(`${root}/a/*.eml\n${root}/a/one.eml\n`)]) });
  assert.deepEqual(items.map((i) => [i.source.path, i.error?.code ?? 'ok']), [
    [`${root}/a/*.eml`, 'no-input'],
    [`${root}/a/one.eml`, 'ok'],
  ]);
  const named = await all([join(root, 'a/*.eml')]); // on the command line, still a glob
  assert.deepEqual(subjects(named), ['one']);
});

test('a bracket expression with a backwards range matches nothing, is no error, and the scan goes on', async () => {
  const root = tree();
  assert.deepEqual(await expandGlob(join(root, 'a/[z-a]*')), []);
  assert.deepEqual(await expandGlob(join(root, 'a/[n-p]ne.eml')), [join(root, 'a/one.eml')]);
  assert.deepEqual(await expandGlob(join(root, 'a/[!a-n]ne.eml')), [join(root, 'a/one.eml')]);
  const items = await all([join(root, 'a/[z-a]*'), join(root, 'a/one.eml')]);
  assert.deepEqual(items.map((i) => i.error?.code ?? 'ok'), ['no-input', 'ok']);
});

test('a stream that fails (a pipe we may not open, a read error on stdin) is one read-error item, not a throw', async () => {
  const failing = (code: string) =>
    new Readable({
      read() {
        this.destroy(Object.assign(new Error(`${code}: refused`), { code }));
      },
    });
  assert.deepEqual(await all(['-'], { stdin: failing('EIO') }), [{ source: { kind: 'stdin' }, error: { code: 'read-error', message: 'cannot read (EIO)' }, size: 0 }]);
  const items: InputItem[] = [];
  for await (const item of streamMail(failing('EACCES'), 1024, { kind: 'file', path: 'pipe' })) items.push(item);
  assert.deepEqual(items, [{ source: { kind: 'file', path: 'pipe' }, error: { code: 'read-error', message: 'permission denied' }, size: 0 }]);
});

async function listed(chunks: string[], nulSeparated = false) {
  const out: ListedPath[] = [];
  for await (const entry of readPathList(Readable.from(chunks.map((c) => Buffer.from(c))), nulSeparated)) out.push(entry);
  return out;
}

test('a path-list entry longer than a path is one record with its start, and its tail is never a path of its own', async () => {
  const shown = (c: string) => `${c.repeat(79)}…`;
  // The second long entry crosses a 64 KiB read, as a pipe delivers it: "sub" is the end of it, not an entry.
  const text = 'a.mbox\n' + 'a'.repeat(5000) + '\n' + 'x'.repeat(65536 - 5008) + 'sub\nlast\n';
  const expected = [{ path: 'a.mbox' }, { path: shown('a'), tooLong: true }, { path: shown('x'), tooLong: true }, { path: 'last' }];
  assert.deepEqual(await listed([text.slice(0, 65536), text.slice(65536)]), expected);
  assert.deepEqual(await listed([text]), expected);
  assert.deepEqual(await listed([...text.match(/[^]{1,4000}/g)!]), expected, 'in reads shorter than a path');
  assert.deepEqual(await listed(['b'.repeat(4096) + '\r\n' + 'c'.repeat(4097) + '\r\n']), [{ path: 'b'.repeat(4096) }, { path: shown('c'), tooLong: true }], 'PATH_MAX bytes, CR aside');
  assert.deepEqual(await listed(['d'.repeat(5000) + '\0e\0'], true), [{ path: shown('d'), tooLong: true }, { path: 'e' }]);
  const [escaped] = await listed(['\u001b]0;x\u0007'.repeat(1000) + '\n']);
  assert.ok(escaped!.tooLong && escaped!.path.startsWith('\\x1b]0;x\\x07\\x1b') && !/[\u0000-\u001f]/.test(escaped!.path), escaped!.path);
  const items = await all(['-'], { stdin: Readable.from([Buffer.from(text)]) });
  assert.deepEqual(items.slice(1, 3).map((i) => [i.source.path, i.error?.code]), [[shown('a'), 'no-input'], [shown('x'), 'no-input']]);
});

test("Dovecot's and Courier's bookkeeping files are skipped by their own names, as files; mail named like them is read", async () => {
  const root = scratchDir('bookkeeping');
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(root, 'dovecot-export', sub), { recursive: true });
  writeFileSync(join(root, 'dovecot-export/cur/1.M1.h:2,S'), msg('export'));
  mkdirSync(join(root, 'abuse'));
  writeFileSync(join(root, 'abuse/dovecot-phish.eml'), msg('phish'));
  writeFileSync(join(root, 'abuse/Subscriptions'), msg('subs'));
  writeFileSync(join(root, 'abuse/dovecot.eml'), msg('dot'));
  const box = join(root, 'dovecot-export');
  for (const name of ['dovecot-uidlist', 'dovecot-uidlist.lock', 'dovecot-keywords', 'dovecot-uidvalidity', 'dovecot-uidvalidity.5a1401bc', 'dovecot.index', 'dovecot.index.cache', 'dovecot.index.log', 'dovecot.index.log.2', 'dovecot.list.index.log', 'dovecot.mailbox.log', 'dovecot-acl-list', 'subscriptions', 'maildirsize', 'courierimapuiddb']) {
    writeFileSync(join(box, name), 'bookkeeping\n');
  }
  mkdirSync(join(box, 'courierimapkeywords'));
  writeFileSync(join(box, 'courierimapkeywords/1.M1.h'), 'urgent\n'); // keywords of message 1, named as the message
  const items = await all([root]);
  assert.deepEqual(subjects(items), ['subs', 'phish', 'dot', 'export']);
  assert.equal(items.length, 4, items.map((i) => i.source.path).join(', '));
});
