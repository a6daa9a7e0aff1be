// One worker of the in-process throughput run: read and analyse its share of the corpus with the built library.
// Plain JavaScript: a worker thread does not inherit the tsx loader the benchmark runs under.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const { library, paths } = workerData;
const { analyze } = await import(library);
let bytes = 0;
let errors = 0;
for (const path of paths) {
  const raw = readFileSync(path);
  bytes += raw.length;
  try {
    await analyze(raw, { offline: true });
  } catch {
    errors++;
  }
}
parentPort.postMessage({ messages: paths.length, bytes, errors });
