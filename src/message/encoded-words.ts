// RFC 2047 encoded words, decoded with the platform's TextDecoder (full ICU in Node's builds covers the
// charsets mail uses). Adjacent encoded words separated only by whitespace join without it (RFC 2047 6.2),
// and their bytes are joined before decoding so a multi-byte character split across words survives.
import { TextDecoder } from 'node:util';
import { latin1 } from './text.js';

// Bounded pieces and no nested quantifiers: linear on hostile input.
const ENCODED_WORD = /=\?([^?\s]{1,64})\?([bBqQ])\?([^?\s]{0,2000})\?=/g;

interface Piece {
  charset: string;
  bytes: Uint8Array;
}

function decodeQ(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '_') out.push(32);
    else if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(c.charCodeAt(0) & 0xff);
  }
  return Uint8Array.from(out);
}

function decodeB(text: string): Uint8Array {
  return Buffer.from(text, 'base64');
}

const decoders = new Map<string, TextDecoder | null>();

function decoderFor(charset: string): TextDecoder | null {
  // RFC 2231 language suffix: charset*lang
  const name = charset.split('*')[0]!.toLowerCase();
  let d = decoders.get(name);
  if (d === undefined) {
    try {
      d = new TextDecoder(name);
    } catch {
      d = null;
    }
    decoders.set(name, d);
  }
  return d;
}

function decodePieces(pieces: Piece[]): string {
  const total = pieces.reduce((n, p) => n + p.bytes.length, 0);
  const joined = new Uint8Array(total);
  let o = 0;
  for (const p of pieces) {
    joined.set(p.bytes, o);
    o += p.bytes.length;
  }
  const d = decoderFor(pieces[0]!.charset);
  return d ? d.decode(joined) : latin1(joined);
}

/** Decode every encoded word in a header value; text outside encoded words is left as it is. */
export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  let out = '';
  let last = 0;
  let run: Piece[] = [];
  let runEnd = 0;
  const flush = () => {
    if (run.length) out += decodePieces(run);
    run = [];
  };
  for (const m of value.matchAll(ENCODED_WORD)) {
    const start = m.index;
    const between = value.slice(last, start);
    const piece: Piece = { charset: m[1]!, bytes: m[2]!.toLowerCase() === 'b' ? decodeB(m[3]!) : decodeQ(m[3]!) };
    const adjacent = run.length > 0 && /^[ \t]*$/.test(between);
    if (adjacent && run[0]!.charset.toLowerCase() === piece.charset.toLowerCase()) {
      run.push(piece);
    } else {
      flush();
      if (!adjacent) out += between;
      run = [piece];
    }
    last = start + m[0].length;
    runEnd = last;
  }
  flush();
  return out + value.slice(runEnd || last);
}
