import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipInCidr, ipScope, normalizeIp, parseCidr } from '../../src/hops/ip.js';

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
