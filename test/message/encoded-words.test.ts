import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeWords } from '../../src/message/encoded-words.js';
import { parseMailboxes } from '../../src/message/addresses.js';
import { parseMailDate } from '../../src/message/dates.js';

test('encoded words: B, Q, charsets, adjacency, split multi-byte characters', () => {
  assert.equal(decodeWords('=?UTF-8?B?UGF5UGFsIFNlcnZpY2U=?='), 'PayPal Service');
  assert.equal(decodeWords('=?UTF-8?Q?support=40paypal=2Ecom?='), 'support@paypal.com');
  assert.equal(decodeWords('=?iso-8859-1?q?J=FCrgen?= Meyer'), 'Jürgen Meyer');
  assert.equal(decodeWords('=?utf-8?q?a?= =?utf-8?q?b?='), 'ab');
  assert.equal(decodeWords('=?utf-8?b?4pyI?= x'), '✈ x');
  // "é" (c3 a9) split across two encoded words
  assert.equal(decodeWords('=?utf-8?q?caf=C3?= =?utf-8?q?=A9?='), 'café');
  assert.equal(decodeWords('=?shift_jis?B?g2WDWINn?='), 'テスト');
  assert.equal(decodeWords('=?x-unknown?q?abc?='), 'abc');
  assert.equal(decodeWords('no words here'), 'no words here');
});

test('mailboxes keep punycode and decode names', () => {
  assert.deepEqual(parseMailboxes('Bank <info@xn--pypal-4ve.com>'), [{ name: 'Bank', address: 'info@xn--pypal-4ve.com', domain: 'xn--pypal-4ve.com' }]);
  assert.deepEqual(
    parseMailboxes('=?UTF-8?Q?support=40paypal=2Ecom?= <evil@x.ru>').map((m) => [m.name, m.address]),
    [['support@paypal.com', 'evil@x.ru']],
  );
  assert.equal(parseMailboxes('a@good.example, b@evil.example').length, 2);
  assert.deepEqual(parseMailboxes('Undisclosed:;'), []);
  assert.equal(parseMailboxes('Friends: a@x.example, b@y.example;')[1]!.group, 'Friends');
});

test('dates: RFC 5322, obsolete zones, asctime, ISO, Go monotonic suffix, garbage', () => {
  assert.deepEqual(parseMailDate('Sat, 21 Apr 2018 03:01:33 +0000'), { timestamp: '2018-04-21T03:01:33.000Z', zoneOffsetMinutes: 0 });
  assert.equal(parseMailDate('Fri, 20 Apr 2018 17:51:19 -0400')!.timestamp, '2018-04-20T21:51:19.000Z');
  assert.equal(parseMailDate('21 Apr 18 03:01 EST')!.timestamp, '2018-04-21T08:01:00.000Z');
  assert.equal(parseMailDate('Tue, 12 Mar 2024 10:14:03 +0100 (CET)')!.zoneOffsetMinutes, 60);
  assert.equal(parseMailDate('Sat Apr 21 03:01:33 2018')!.timestamp, '2018-04-21T03:01:33.000Z');
  assert.equal(parseMailDate('2023-01-05 12:00:00.123456 +0000 UTC m=+0.123')!.timestamp, '2023-01-05T12:00:00.123Z');
  assert.equal(parseMailDate('not a date'), undefined);
  assert.equal(parseMailDate('Mon, 32 Foo 2024 99:99:99 +0000'), undefined);
});
