// plainMailboxList answers for addressparser on plain mailbox lists: it must give exactly what the parser gives,
// or nothing (then the parser runs). Checked on every address field of the corpus and on random text made of the
// characters that decide between the two.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import addressparser from 'nodemailer/lib/addressparser';
import { plainMailboxList } from '../../src/message/addresses.js';
import { parseMessage } from '../../src/message/parse.js';
import { corpusFiles } from '../helpers/corpus.js';
import { seededInts } from '../helpers/random.js';

const ADDRESS_FIELDS = new Set(['from', 'sender', 'reply-to', 'to', 'cc', 'bcc', 'resent-from', 'resent-sender', 'resent-to']);

function assertSameAsParser(value: string): boolean {
  const plain = plainMailboxList(value);
  if (plain) assert.deepEqual(plain, addressparser(value), JSON.stringify(value));
  return plain !== undefined;
}

test('plain mailbox lists: the same answer as addressparser', () => {
  const cases = [
    'alice@example.org',
    '<alice@example.org>',
    'Alice Smith <alice@example.org>',
    'Alice Smith<alice@example.org>',
    '"Alice Smith" <alice@example.org>',
    '"" <alice@example.org>',
    "Mr. O'Brien <ob@example.org>",
    'a@b.example, Bob <b@b.example>, "C D" <c@b.example>',
    'phishing@pot',
    '"Law firm(Eku and Associates)" <a@example.org>',
    '"maryalice - maryalice:" <m@example.org>',
    '"R&D; Sales/EMEA #1*" <r@example.org>',
    'undisclosed-recipients:;',
    'Undisclosed recipients: ;',
    'a@b.example, undisclosed-recipients:;',
  ];
  for (const c of cases) assert.ok(assertSameAsParser(c), `${c} takes the plain path`);
});

test('anything else is left to the parser', () => {
  for (const c of ['', 'a@b,', ',a@b', '"Doe, John" <j@x.example>', '"a@b.example" <a@b.example>', '" padded " <p@x.example>', 'a@b (comment)', 'Group: a@b;', 'x <a@b> <c@d>', '=?utf-8?B?QQ==?= <a@b>', 'a\\,b@c', 'Müller <m@x.example>', '<@route:a@b>']) {
    assert.equal(plainMailboxList(c), undefined, c);
  }
});

test('plainMailboxList agrees with addressparser on every address field of the corpus', () => {
  let plain = 0;
  let fields = 0;
  for (const path of ['phishing_pot', 'spamassassin', 'kernel-list'].flatMap((f) => corpusFiles(f))) {
    let message;
    try {
      message = parseMessage(readFileSync(path));
    } catch {
      continue;
    }
    for (const f of message.headers) {
      if (!ADDRESS_FIELDS.has(f.key)) continue;
      fields++;
      if (assertSameAsParser(f.value)) plain++;
    }
  }
  assert.ok(fields > 20000 && plain > fields / 3, `${plain} of ${fields} fields took the plain path`);
});

test('plainMailboxList agrees with addressparser on random text', () => {
  const alphabet = ['a', 'B', '0', '.', '-', "'", '_', '+', '%', '@', '@', ' ', ' ', '<', '>', '"', ',', ',', ':', ';', '(', ')', '\\', '[', ']', '\t', 'é'];
  const random = seededInts(42);
  let plain = 0;
  for (let n = 0; n < 30000; n++) {
    let s = '';
    const length = 1 + random(20);
    for (let i = 0; i < length; i++) s += alphabet[random(alphabet.length)];
    if (assertSameAsParser(s)) plain++;
  }
  // Templates that take the plain path far more often than random characters do.
  const words = ['a', 'bob', 'x.y', "o'n", '-', '.', 'a b', 'a  b', ''];
  for (let n = 0; n < 20000; n++) {
    const w = () => words[random(words.length)]!;
    const addr = () => `${w().replace(/ /g, '')}@${w().replace(/ /g, '')}`;
    const forms = [addr(), `<${addr()}>`, `${w()} <${addr()}>`, `${w()}<${addr()}>`, `"${w()}" <${addr()}>`, ` ${addr()} `, `${w()}  <${addr()}>`];
    const s = Array.from({ length: 1 + random(3) }, () => forms[random(forms.length)]).join(random(2) ? ',' : ', ');
    if (assertSameAsParser(s)) plain++;
  }
  assert.ok(plain > 5000, `${plain} random lists took the plain path`);

  // Quoted names with more than a plain name's characters, and groups with and without members.
  const quoted = ['x (y)', '(z)', 'a:b', 'a;b', 'R&D!', 'p/q#r*', ' lead', 'trail ', 'a@b', 'a, b', 'a  b', "o'n", '%+_', ''];
  let special = 0;
  for (let n = 0; n < 20000; n++) {
    const q = () => quoted[random(quoted.length)]!;
    const w = () => words[random(words.length)]!;
    const addr = () => `${w().replace(/ /g, '') || 'a'}@${w().replace(/ /g, '') || 'b'}`;
    const forms = [`"${q()}" <${addr()}>`, `"${q()}"<${addr()}>`, `${w()}:;`, ` ${w()} : ; `, `${q()}:;`, `${w()}:${addr()};`, addr()];
    const s = Array.from({ length: 1 + random(3) }, () => forms[random(forms.length)]).join(random(2) ? ',' : ', ');
    if (assertSameAsParser(s)) special++;
  }
  assert.ok(special > 3000, `${special} lists with quoted names or groups took the plain path`);
});
