// Record the lab's DNS for one fixture, in the --dns-replay snapshot format (src/dns/snapshot.ts).
// Run inside the lab's netns (lab/lab.sh collect does): node --import tsx lab/dns-snapshot.ts OUT [SEEN.json...]
//
// Why not only `mailtrace --dns-record`: a recording holds exactly the questions this build of mailtrace asked,
// and features still being built (SPF on the boundary hop, DMARC, MX checks for relay traversal) will ask more.
// A fixture whose replay lacks an answer fails with EMISSING, so we record every question an analysis of these
// messages can reasonably ask: every lab name's A/AAAA/MX/TXT, the DMARC and DKIM names, every host's PTR, and
// each question in SEEN (the CLI's own recording), all answered live by the lab's knot through src/dns, errors
// (ENOTFOUND, ENODATA) included. Names outside the lab zones are not asked: knot would answer REFUSED.
import { readFileSync } from 'node:fs';
import { openDns, ptrName } from '../src/dns/index.js';

const NET = process.env.LAB_NET ?? '10.25.0'; // lab/lab.sh exports it
const DNS_SERVER = `${NET}.53`;
const DOMAINS = ['example.test', 'openrelay.test', 'rcpt.test', 'evil.test'];
const HOSTS = ['ws.example.test', 'mail.example.test', 'relay.openrelay.test', 'mx.rcpt.test', 'mail.evil.test'];
const IPS = [1, 2, 3, 4, 5].map((n) => `${NET}.${n}`);
const ZONES = [...DOMAINS, 'lab.test', 'test', `${NET.split('.').reverse().join('.')}.in-addr.arpa`];
const EXTRA: [string, string][] = [
  ['mta._domainkey.example.test', 'TXT'],
  ['default._bimi.example.test', 'TXT'],
  ['_dmarc.test', 'TXT'],
];

const inLab = (name: string) => ZONES.some((z) => name === z || name.endsWith(`.${z}`));

function questions(seenFiles: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const name of [...DOMAINS, ...HOSTS]) for (const type of ['A', 'AAAA', 'MX', 'TXT']) out.push([name, type]);
  for (const d of DOMAINS) out.push([`_dmarc.${d}`, 'TXT']);
  for (const ip of IPS) out.push([ptrName(ip), 'PTR']);
  out.push(...EXTRA);
  for (const file of seenFiles) {
    const seen = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
    for (const [name, types] of Object.entries(seen)) {
      if (!inLab(name)) {
        process.stderr.write(`${file}: ${name} is outside the lab zones; not recorded\n`);
        continue;
      }
      for (const type of Object.keys(types)) out.push([name, type]);
    }
  }
  return out;
}

const [outPath, ...seenFiles] = process.argv.slice(2);
if (!outPath) {
  process.stderr.write('usage: node --import tsx lab/dns-snapshot.ts OUT.json [SEEN.json...]\n');
  process.exit(64);
}
const dns = await openDns({ servers: [DNS_SERVER], recordPath: outPath, timeoutMs: 1000 });
if (!dns) throw new Error('no DNS session');
const answers = await Promise.allSettled(questions(seenFiles).map(([name, type]) => dns.resolver(name, type)));
await dns.close();
const refused = dns.log().filter((r) => r.error === 'EREFUSED' || r.error === 'ETIMEOUT' || r.error === 'ECONNREFUSED');
if (refused.length) {
  process.stderr.write(`lab DNS did not answer: ${refused.map((r) => `${r.name} ${r.type} ${r.error}`).join(', ')}\n`);
  process.exit(1);
}
process.stderr.write(`${outPath}: ${answers.length} questions, ${dns.log().length} distinct\n`);
