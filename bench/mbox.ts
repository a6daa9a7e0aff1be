// A large mbox built from the corpus (mboxrd: body lines matching /^>*From / get one more '>'), for the peak-RSS
// run. Built under the OS temp directory, never in the repository (the corpus licences forbid copies).
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { filesBelow } from '../test/helpers/corpus.js';
import { mboxEntry } from '../test/helpers/mbox.js';

/** Write at least `minBytes` of mbox to `path`, cycling over the corpus; returns bytes and message count. */
export function buildMbox(path: string, corpus: string[], minBytes: number): { bytes: number; messages: number } {
  const fd = openSync(path, 'w');
  let bytes = 0;
  let messages = 0;
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = () => {
    writeSync(fd, Buffer.concat(pending, pendingBytes));
    pending.length = 0;
    pendingBytes = 0;
  };
  try {
    const entries = corpus.map((p) => mboxEntry(readFileSync(p)));
    for (let i = 0; bytes < minBytes; i++) {
      const entry = entries[i % entries.length]!;
      pending.push(entry);
      pendingBytes += entry.length;
      bytes += entry.length;
      messages++;
      if (pendingBytes > 8 * 1024 * 1024) flush();
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return { bytes, messages };
}

// node --import tsx bench/mbox.ts OUT.mbox MIN_BYTES DIR_OR_FILE...  (for a peak-RSS run of your own; README)
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const [out, minArg, ...inputs] = process.argv.slice(2);
  const minBytes = Number(minArg);
  if (!out || !(minBytes > 0) || inputs.length === 0) {
    process.stderr.write('usage: node --import tsx bench/mbox.ts OUT.mbox MIN_BYTES DIR_OR_FILE...\n');
    process.exit(64);
  }
  const built = buildMbox(out, inputs.flatMap(filesBelow), minBytes);
  process.stdout.write(`${out}: ${built.messages} messages, ${built.bytes} bytes\n`);
}
