#!/usr/bin/env node
// Build a large mbox (mboxrd) from message files, for the benchmark's peak-RSS figure:
//   node scripts/build-mbox.mjs OUT.mbox MIN_BYTES DIR_OR_FILE...
// The files are written in name order, each behind a From_ line with ">From " quoting, and the set is repeated until
// the file holds at least MIN_BYTES (e.g. 1e9). Write it under /tmp: corpus licences forbid copies in the repository.
import { openSync, writeSync, closeSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const [out, minArg, ...inputs] = process.argv.slice(2);
const minBytes = Number(minArg);
if (!out || !(minBytes > 0) || inputs.length === 0) {
  process.stderr.write('usage: node scripts/build-mbox.mjs OUT.mbox MIN_BYTES DIR_OR_FILE...\n');
  process.exit(64);
}

function files(path) {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).sort().flatMap((name) => (/^(LICENSE|SOURCE|README)/i.test(name) ? [] : files(join(path, name))));
}

const list = inputs.flatMap(files);
const fd = openSync(out, 'w');
let written = 0;
let messages = 0;
while (written < minBytes) {
  for (const file of list) {
    let text = readFileSync(file).toString('latin1');
    if (text.startsWith('From ')) text = text.slice(text.indexOf('\n') + 1); // the corpus's own From_ line
    text = text.replace(/\n(>*From )/g, '\n>$1');
    const entry = Buffer.from(`From bench@localhost Mon Jan  1 00:00:00 2024\n${text}${text.endsWith('\n') ? '' : '\n'}\n`, 'latin1');
    written += writeSync(fd, entry);
    messages++;
    if (written >= minBytes) break;
  }
}
closeSync(fd);
process.stdout.write(`${out}: ${messages} messages, ${written} bytes\n`);
