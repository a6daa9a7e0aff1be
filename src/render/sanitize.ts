// Header text is written by attackers. Nothing from a message reaches a terminal as a control character,
// an escape sequence, or a bidi override that reorders what the analyst reads: each is shown as a visible escape.

// C0 and C1 controls, DEL, bidi embeddings/overrides/isolates, zero-width and line/paragraph separators.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** For one-line display: also shows tabs and newlines as escapes. */
export function safeInline(text: string): string {
  return text.replace(UNSAFE, escapeChar).replace(/\t/g, '\\t').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

/** For multi-line display (raw header evidence): keeps newlines and tabs, escapes everything else. */
export function safeBlock(text: string): string {
  return text.replace(UNSAFE, escapeChar).replace(/\r/g, '\\r');
}

/** Cut to a display length, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, Math.max(0, max - 1)) + '…';
}
