import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ASCII_PROTOTYPES, allPrototypes, findLookalikes, oneEditApart, skeleton } from '../../src/identity/lookalike.js';
import { orgDomain, sameOrg } from '../../src/identity/org.js';
import { seededInts } from '../helpers/random.js';

// [domain, recipient org domains, the lookalike kinds expected ([] = must not be flagged)]
const CASES: [string, string[], string[]][] = [
  ['xn--pypal-4ve.com', [], ['mixed-script', 'punycode-confusable', 'confusable-brand']], // pаypal.com, Cyrillic а
  ['xn--80ak6aa92e.com', [], ['punycode-confusable', 'edit-distance-brand']], // аррӏе.com, all Cyrillic
  ['paypa1.com', [], ['confusable-brand']],
  ['rnicrosoft.com', [], ['confusable-brand']],
  ['g00gle.com', [], ['confusable-brand']],
  ['amazom.com', [], ['edit-distance-brand']],
  ['linkedln.com', [], ['edit-distance-brand']],
  ['paypal-secure.com', [], ['brand-embedded']],
  ['paypal.com.account-check.ru', [], ['brand-embedded']],
  ['viictim.example', ['victim.example'], ['edit-distance-recipient']],
  ['victirn.example', ['victim.example'], ['confusable-recipient']],
  // Real domains and real names that naive edit distance would flag.
  ['paypal.com', [], []],
  ['mail.paypal.co.uk', [], []],
  ['outlook.fr', [], []],
  ['yahoo.com.hk', [], []],
  ['ebay.co.uk', [], []],
  ['spamassassin.org', [], []],
  ['victim.example', ['victim.example'], []],
  ['intel.com', [], []],
  ['apples.org', [], []], // 'apple' plus one letter, but shorter than the edit-distance minimum
  ['kernel.org', ['vger.kernel.org'], []],
  ['telkom.co.id', [], []], // one letter from "telekom", but a real company under another suffix
  ['amazom.co.uk', [], ['edit-distance-brand']],
];

for (const [domain, recipients, kinds] of CASES) {
  test(`lookalike ${domain}${recipients.length ? ` (recipient ${recipients.join(', ')})` : ''}: ${kinds.join(', ') || 'none'}`, () => {
    const got = findLookalikes(domain, recipients.map(orgDomain)).map((l) => l.kind);
    assert.deepEqual(got.sort(), [...kinds].sort());
  });
}

test('skeletons per UTS #39: confusables map to one prototype', () => {
  assert.equal(skeleton('pаypal'), skeleton('paypal'));
  assert.equal(skeleton('rn'), skeleton('m'));
  assert.equal(skeleton('0'), skeleton('o'));
  assert.notEqual(skeleton('paypal'), skeleton('paypai'));
});

/**
 * The reference oneEditApart is held to (it was findLookalikes' own check): Damerau-Levenshtein (optimal string
 * alignment) with the full table, bounded: stops early once past `max`.
 */
function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a.length > 63 || b.length > 63) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    let best = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = v;
      best = Math.min(best, v);
    }
    if (best > max) return max + 1;
  }
  return rows[a.length]![b.length]!;
}

test('bounded Damerau-Levenshtein', () => {
  assert.equal(editDistance('amazon', 'amazom'), 1);
  assert.equal(editDistance('google', 'goolge'), 1); // transposition
  assert.equal(editDistance('paypal', 'paypal'), 0);
  assert.equal(editDistance('microsoft', 'mcrosft', 1), 2); // stops past the bound
});

test('oneEditApart answers as editDistance(a, b, 1) === 1 does', () => {
  // Small alphabets and one-step mutations, so that substitutions, insertions, deletions and swaps all occur.
  const rand = seededInts(7);
  const word = () => Array.from({ length: rand(9) }, () => 'abc\u0430'[rand(4)]).join('');
  const mutate = (w: string) => {
    const i = rand(w.length + 1);
    switch (rand(4)) {
      case 0: return w.slice(0, i) + 'abc'[rand(3)] + w.slice(i + 1);
      case 1: return w.slice(0, i) + 'abc'[rand(3)] + w.slice(i);
      case 2: return w.slice(0, i) + w.slice(i + 1);
      default: return w.slice(0, i) + w.slice(i + 1, i + 2) + w.slice(i, i + 1) + w.slice(i + 2);
    }
  };
  let ones = 0;
  for (let n = 0; n < 20_000; n++) {
    const a = word();
    const b = n % 2 ? mutate(a) : word();
    if (!a || !b) continue; // editDistance calls '' and 'a' two apart; both callers compare labels of 4+ characters
    const expected = editDistance(a, b, 1) === 1;
    if (expected) ones++;
    assert.equal(oneEditApart(a, b), expected, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
  assert.ok(ones > 5_000, `only ${ones} pairs one edit apart: the test would not exercise the function`);
  assert.equal(oneEditApart('x'.repeat(64), 'x'.repeat(63)), false); // longer than a DNS label, as editDistance
});

test('organisational domains follow the Public Suffix List', () => {
  assert.equal(orgDomain('bounces.mail.example.co.uk'), 'example.co.uk');
  assert.ok(sameOrg('mx.google.com', 'google.com'));
  assert.ok(!sameOrg('example.com', 'example.net'));
  assert.ok(!sameOrg('', ''));
});

test('the ASCII prototypes are exactly the ASCII keys of the confusables data, so ASCII text skips the full table', () => {
  const asciiOfData = [...allPrototypes()].filter(([k]) => /^[\x00-\x7f]$/.test(k));
  assert.ok(asciiOfData.length > 0);
  assert.deepEqual(new Map(asciiOfData), new Map(ASCII_PROTOTYPES));
  // And the fast path gives the skeleton the full table gives, for every ASCII character.
  const full = allPrototypes();
  for (let code = 0; code < 128; code++) {
    const c = String.fromCharCode(code).toLowerCase();
    assert.equal(skeleton(c), (full.get(c) ?? c).normalize('NFD').toLowerCase(), `U+${code.toString(16)}`);
  }
});
