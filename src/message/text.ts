// Bytes to text for header data: UTF-8 when the bytes are valid UTF-8 (RFC 6532), else latin-1 so that
import { TextDecoder } from 'node:util';
// every byte stays visible and countable as evidence.
const utf8 = new TextDecoder('utf-8', { fatal: true });

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function latin1(bytes: Uint8Array): string {
  return toBuffer(bytes).toString('latin1');
}

export function bytesToText(bytes: Uint8Array): string {
  // Pure ASCII is the common case: latin-1 decoding is exact and cheaper than a fatal UTF-8 pass.
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! > 127) {
      ascii = false;
      break;
    }
  }
  if (ascii) return latin1(bytes);
  try {
    return utf8.decode(bytes);
  } catch {
    return latin1(bytes);
  }
}
