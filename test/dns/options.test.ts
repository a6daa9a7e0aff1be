// Pure parts of dns/: --dns-server values and the snapshot file (read, validate, format).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DnsConfigError, SnapshotError, formatSnapshot, loadSnapshot, openDns, parseSnapshot } from '../../src/dns/index.js';
import { ptrName } from '../helpers/ptr-name.js';
import { parseServer } from '../../src/dns/servers.js';
import { scratchDir } from '../helpers/scratch.js';

const tmp = scratchDir('dns-opt');

test('--dns-server values: IPv4, host names, ports, IPv6 with and without brackets', () => {
  const table: [string, { host: string; port: number }][] = [
    ['192.0.2.53', { host: '192.0.2.53', port: 53 }],
    ['127.0.0.1:5353', { host: '127.0.0.1', port: 5353 }],
    ['::1', { host: '::1', port: 53 }],
    ['2001:db8::53', { host: '2001:db8::53', port: 53 }],
    ['[::1]:53', { host: '::1', port: 53 }],
    ['[2001:db8::53]:5300', { host: '2001:db8::53', port: 5300 }],
    ['[::1]', { host: '::1', port: 53 }],
    ['localhost:5353', { host: 'localhost', port: 5353 }],
    [' resolver.example.net ', { host: 'resolver.example.net', port: 53 }],
  ];
  for (const [value, expected] of table) assert.deepEqual(parseServer(value), expected, value);
});

test('bad --dns-server values are usage errors with a one-line reason', () => {
  for (const value of ['', '127.0.0.1:0', '127.0.0.1:65536', '127.0.0.1:x', '[127.0.0.1]:53', '[::1]:', 'bad host', 'a..b', '-x.example']) {
    assert.throws(() => parseServer(value), (e: unknown) => e instanceof DnsConfigError && !e.message.includes('\n'), value);
  }
});

test('openDns rejects bad options before any lookup', async () => {
  await assert.rejects(openDns({ servers: ['127.0.0.1:99999'] }), DnsConfigError);
  await assert.rejects(openDns({ timeoutMs: -1 }), DnsConfigError);
  // Beyond what node:dns and timers take: a configuration error, not "internal error: out of range".
  await assert.rejects(openDns({ timeoutMs: 1e12 }), /--dns-timeout \(ms\) must be a number from 1 to 600000/);
  await assert.rejects(openDns({ servers: ['no-such-host.invalid'] }), /cannot resolve host name/);
  await assert.rejects(openDns({ recordPath: join(tmp, 'no', 'such', 'dir', 'x.json') }), /cannot write/);
  await assert.rejects(openDns({ recordPath: tmp }), /is a directory/);
  await assert.rejects(openDns({ recordPath: join(tmp, 'r.json'), replay: {} }), /cannot be used together/);
});

test('snapshot files: missing is "missing", anything malformed is "invalid", with the place named', () => {
  const write = (name: string, text: string) => {
    const p = join(tmp, name);
    writeFileSync(p, text);
    return p;
  };
  const reason = (path: string) => {
    try {
      loadSnapshot(path);
    } catch (e) {
      assert.ok(e instanceof SnapshotError);
      return `${e.reason}: ${e.message.slice(path.length + 2)}`;
    }
    return 'loaded';
  };
  assert.equal(reason(join(tmp, 'absent.json')), 'missing: no such file');
  assert.match(reason(write('bad.json', '{ "a": ')), /^invalid: not valid JSON/);
  assert.equal(reason(write('array.json', '[]')), 'invalid: must be a JSON object of names');
  assert.match(reason(write('txt.json', '{"a.test": {"TXT": "v=spf1 -all"}}')), /^invalid: "a.test" TXT: expected a list of records/);
  assert.match(reason(write('mx.json', '{"a.test": {"MX": [{"exchange": "mx"}]}}')), /^invalid: "a.test" MX/);
  assert.match(reason(write('err.json', '{"a.test": {"TXT": {"error": "not found"}}}')), /^invalid: "a.test" TXT: an error must be a code/);
  assert.equal(reason(write('ok.json', '{"A.Test.": {"txt": [["v=spf1 ", "-all"]], "MX": {"error": "ENODATA"}}}')), 'loaded');
  const loaded = loadSnapshot(join(tmp, 'ok.json'));
  assert.deepEqual({ ...loaded['a.test'] }, { TXT: [['v=spf1 ', '-all']], MX: { error: 'ENODATA' } });
});

test('a name from a hostile file cannot reach Object.prototype', () => {
  const snapshot = parseSnapshot(JSON.parse('{"__proto__": {"TXT": [["x"]]}, "constructor": {"A": ["192.0.2.1"]}}'));
  assert.deepEqual(snapshot['__proto__']!['TXT'], [['x']]);
  assert.equal(({} as Record<string, unknown>)['TXT'], undefined);
});

test('formatSnapshot: one name per block, one answer per line, valid JSON', () => {
  const text = formatSnapshot({
    'example.org': { MX: [{ exchange: 'mx1.example.org', priority: 10 }], TXT: [['v=spf1 ', '-all'], ['other']] },
    'nx.example.org': { TXT: { error: 'ENOTFOUND' } },
  });
  assert.equal(
    text,
    `{
  "example.org": {
    "MX": [
      { "exchange": "mx1.example.org", "priority": 10 }
    ],
    "TXT": [
      ["v=spf1 ", "-all"],
      ["other"]
    ]
  },
  "nx.example.org": {
    "TXT": { "error": "ENOTFOUND" }
  }
}
`,
  );
  assert.deepEqual(JSON.parse(text)['nx.example.org'], { TXT: { error: 'ENOTFOUND' } });
});

test('ptrName: the in-addr.arpa / ip6.arpa name to ask with PTR', () => {
  assert.equal(ptrName('192.0.2.10'), '10.2.0.192.in-addr.arpa');
  assert.equal(ptrName('2001:db8::10'), `${'0.1.0.0.' + '0.0.0.0.'.repeat(5)}8.b.d.0.1.0.0.2.ip6.arpa`);
  assert.equal(ptrName('::ffff:192.0.2.10'), 'a.0.2.0.0.0.0.c.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa');
  assert.equal(ptrName('2001:DB8:0:0:1:0:0:1'), '1.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
  assert.equal(ptrName('::'), `${'0.'.repeat(31)}0.ip6.arpa`);
  assert.equal(ptrName('mail.example.org'), undefined);
  assert.equal(ptrName('256.1.1.1'), undefined);
});
