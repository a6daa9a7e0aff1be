import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIPv6 } from 'node:net';
import { ipInCidr, ipScope, normalizeIp, parseCidr } from '../../src/hops/ip.js';
import { seededInts } from '../helpers/random.js';

test('normalizeIp: the spellings Received headers use become one canonical form', () => {
  const cases: [string, string | undefined][] = [
    ['[192.0.2.1]', '192.0.2.1'],
    ['IPv6:2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['[IPv6:2001:db8::1]', '2001:db8::1'],
    ['?IPv6:2A00:1450:4864:20:0:0:0:32F?', '2a00:1450:4864:20::32f'],
    ['fe80::fc67:fd76:bf25:a3f7%7', 'fe80::fc67:fd76:bf25:a3f7'],
    ['::ffff:198.51.100.7', '198.51.100.7'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // RFC 5952 4.2.3: the first of equal runs
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longest run
    ['1:2:3:4:5:6:7:0', '1:2:3:4:5:6:7:0'], // a single zero group is not "::"
    ['::', '::'],
    ['[]', undefined],
    ['256.1.1.1', undefined],
    ['mail.example.com', undefined],
    ['1.2.3', undefined],
    ['1::2::3', undefined],
    ['12345::1', undefined],
    ['g::1', undefined],
    ['1:2:3:4:5:6:7:8:9', undefined],
    ['1:2:3:4::5:6:7:8', undefined],
    ['::1.2.3.4', '::102:304'],
    ['010.001.002.003', '10.1.2.3'],
    ['x'.repeat(100), undefined],
  ];
  for (const [input, want] of cases) assert.equal(normalizeIp(input), want, input);
});

test('CIDR matching, v4 and v6, with bare addresses and bad prefixes', () => {
  assert.ok(ipInCidr('10.1.2.3', '10.0.0.0/8'));
  assert.ok(!ipInCidr('11.1.2.3', '10.0.0.0/8'));
  assert.ok(ipInCidr('192.0.2.7', '192.0.2.7'));
  assert.ok(ipInCidr('2001:db8:aa::25', '2001:DB8:AA::/48'));
  assert.ok(!ipInCidr('2001:db8:ab::25', '2001:db8:aa::/48'));
  assert.ok(!ipInCidr('10.1.2.3', '::/0'), 'families never match each other');
  assert.ok(ipInCidr('::ffff:10.1.2.3', '10.0.0.0/8'), 'IPv4-mapped addresses match IPv4 networks');
  assert.ok(ipInCidr('203.0.113.9', '0.0.0.0/0'));
  assert.equal(parseCidr('10.0.0.0/33'), undefined);
  assert.equal(parseCidr('10.0.0.0/x'), undefined);
  assert.equal(parseCidr('example.com'), undefined);
});

test('ipScope: loopback, private, link-local, shared, reserved, public', () => {
  assert.equal(ipScope('127.0.0.1'), 'loopback');
  assert.equal(ipScope('::1'), 'loopback');
  assert.equal(ipScope('172.20.1.1'), 'private');
  assert.equal(ipScope('fd00::1'), 'private');
  assert.equal(ipScope('fe80::1'), 'link-local');
  assert.equal(ipScope('100.64.1.1'), 'shared');
  assert.equal(ipScope('198.51.100.7'), 'reserved');
  assert.equal(ipScope('2001:db8::1'), 'reserved');
  assert.equal(ipScope('209.85.220.41'), 'public');
  assert.equal(ipScope('2a01:111:f400:fe5b::806'), 'public');
  assert.equal(ipScope('not an ip'), undefined);
});

test('normalizeIp on IPv6 agrees with Node: accepted exactly when net.isIPv6 accepts, in the URL parser\'s RFC 5952 form', () => {
  // The IPv6 reader is hand-written for speed; Node's own parsers are the independent reference.
  const rand = seededInts(11);
  const group = () => (rand(3) === 0 ? '0' : rand(0x10000).toString(16).slice(0, 1 + rand(4)));
  const spell = (s: string) => (rand(2) ? s.toUpperCase() : s);
  function candidate(): string {
    const n = rand(3) === 0 ? 6 : 8;
    const groups = Array.from({ length: n }, group);
    let text: string;
    if (rand(2)) {
      // compress a run: drop groups [a, b) and write "::"
      const a = rand(n + 1);
      const b = a + rand(n - a + 1);
      text = `${groups.slice(0, a).join(':')}::${groups.slice(b).join(':')}`;
    } else text = groups.join(':');
    if (n === 6 && rand(2)) text += `:${[rand(256), rand(256), rand(256), rand(256)].join('.')}`;
    switch (rand(12)) {
      case 0: return text + ':1'; // one group too many (sometimes)
      case 1: return text.replace(':', ':::'); // a triple colon
      case 2: return text.replace(/[0-9a-f]/, 'g'); // not hex
      case 3: return `${text}::1`; // a second "::" (sometimes)
      case 4: return text.replace(/[0-9a-f]+/, '12345'); // five digits
      default: return spell(text);
    }
  }
  let accepted = 0;
  for (let i = 0; i < 20_000; i++) {
    const s = candidate();
    if (!isIPv6(s)) {
      assert.equal(normalizeIp(s), undefined, s);
      continue;
    }
    accepted++;
    const canonical = new URL(`http://[${s}]/`).hostname.slice(1, -1);
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
    const want = mapped
      ? [parseInt(mapped[1]!, 16) >> 8, parseInt(mapped[1]!, 16) & 255, parseInt(mapped[2]!, 16) >> 8, parseInt(mapped[2]!, 16) & 255].join('.')
      : canonical;
    assert.equal(normalizeIp(s), want, s);
  }
  assert.ok(accepted > 3_000, `only ${accepted} valid addresses generated`);
});
