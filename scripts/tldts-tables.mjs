// tldts (the Public Suffix List behind every organisational domain) derives three lookup tables from its packed
// trie each time it loads: a loop over ~67,000 characters whose hash arithmetic leaves the small-integer range,
// so a cold interpreter allocates a number per character. Measured: 8-11 ms of CPU at every mailtrace start, a
// sixth of a whole `mailtrace --json` run. The tables depend only on the data, so the build runs tldts's own
// derivation code once, in a vm context, and the bundle carries the results (base64, little-endian).
// If tldts's source no longer has the expected shape, the build stops rather than ship a half-patched library.
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const DATA_START = '// Auto-generated flat public-suffix trie. Do not edit.';
const DERIVE_START = 'const numberOfNodes = nodeFlags.length;';
const DERIVE_END = '// Result of the last `walk`';
const TABLES = [
  ['edgeOffset', 'Uint32Array'],
  ['edgeHash', 'Uint32Array'],
  ['wildcardEdge', 'Int32Array'],
];

/** The parts of tldts's source: the data literals, the derivation loop, and where each begins and ends. */
export function tldtsParts(source) {
  const data = source.indexOf(DATA_START);
  const derive = source.indexOf(DERIVE_START);
  const end = source.indexOf(DERIVE_END);
  if (data < 0 || derive < data || end < derive || source.indexOf(DERIVE_START, derive + 1) >= 0) {
    throw new Error('tldts: the table derivation is not where scripts/tldts-tables.mjs expects it; review that script');
  }
  return { data, derive, end, dataCode: source.slice(data, derive), deriveCode: source.slice(derive, end) };
}

/** Runs data + derivation code in a fresh context and returns the tables it built. */
export function tablesOf(code, globals = {}) {
  const context = vm.createContext({ ...globals });
  vm.runInContext(`${code}\n;globalThis.__tables = { ${TABLES.map(([name]) => name).join(', ')} };`, context);
  return context.__tables;
}

function littleEndianBase64(table) {
  const bytes = Buffer.alloc(table.length * 4);
  table.forEach((v, i) => (table.constructor.name === 'Int32Array' ? bytes.writeInt32LE(v, i * 4) : bytes.writeUInt32LE(v, i * 4)));
  return bytes.toString('base64');
}

// Decodes a table; a big-endian machine reads it word by word.
const DECODER = `function __mtTable(Type, base64) {
  const bytes = Buffer.from(base64, 'base64');
  const table = new Type(bytes.length / 4);
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] === 1) new Uint8Array(table.buffer).set(bytes);
  else for (let i = 0; i < table.length; i++) table[i] = Type === Int32Array ? bytes.readInt32LE(i * 4) : bytes.readUInt32LE(i * 4);
  return table;
}
`;

/** tldts's source with the derivation loop replaced by its precomputed results. */
export function withPrecomputedTables(source) {
  const parts = tldtsParts(source);
  const tables = tablesOf(parts.dataCode + parts.deriveCode);
  const replacement = [
    'const numberOfNodes = nodeFlags.length;',
    'const numberOfEdges = edgeLength.length;',
    ...TABLES.map(([name, type]) => `const ${name} = __mtTable(${type}, "${littleEndianBase64(tables[name])}");`),
    DECODER,
  ].join('\n');
  return source.slice(0, parts.derive) + replacement + source.slice(parts.end);
}

/** The esbuild plugin: applies to tldts's CommonJS and ES module builds. */
export const precomputedTldtsTables = {
  name: 'precomputed-tldts-tables',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]tldts[\\/]dist[\\/](cjs|es6)[\\/]index\.js$/ }, (args) => ({
      contents: withPrecomputedTables(readFileSync(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};
