// Throughput of the authentication stage in a replayed run: N messages of a corpus folder through analyze() with
// one shared replay session (src/dns openDns({ replay })), offline and replayed. The corpus has no recorded DNS,
// so replayed answers are 'missing' and results unknown: this measures mailauth's parsing, hashing and our
// composition, not DNS. Run: node --import tsx bench/auth/replay-batch.ts [folder] [N]
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/analyze.js';
import { openDns } from '../../src/dns/index.js';

const folder = process.argv[2] ?? '../shared/corpus/phishing_pot';
const n = Number(process.argv[3] ?? 1000);
const files = readdirSync(folder).filter((f) => f.endsWith('.eml')).sort().slice(0, n).map((f) => join(folder, f));
const inputs = files.map((f) => readFileSync(f));

async function run(label: string, options: () => Parameters<typeof analyze>[1]) {
  const started = process.hrtime.bigint();
  let errors = 0;
  for (const raw of inputs) {
    try {
      await analyze(raw, options());
    } catch {
      errors++;
    }
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`${label.padEnd(10)} ${inputs.length} messages in ${ms.toFixed(0)} ms: ${((inputs.length / ms) * 1000).toFixed(0)} msgs/s (${errors} not messages)`);
}

const session = (await openDns({ replay: Object.create(null) }))!;
await run('offline', () => ({ offline: true }));
await run('replayed', () => {
  const view = session.view();
  return { deps: { resolver: view.resolver, dnsLog: view.log } };
});
console.log('dns stats', JSON.stringify(session.stats()));
await session.close();
