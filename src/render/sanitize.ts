// Header text is written by attackers. Nothing from a message reaches a terminal as a control character,
// an escape sequence, or a bidi override that reorders what the analyst reads: each is shown as a visible escape.

// C0 and C1 controls, DEL, line/paragraph separators, interlinear annotation marks, and every Unicode
// default-ignorable code point: the characters a terminal draws as nothing. That set holds the bidi marks, embeddings,
// overrides and isolates (U+061C ALM and U+200E/F, U+202A-E, U+2066-9), zero-width characters, the soft hyphen, the
// Hangul fillers that pass for a blank, and the tag characters U+E0000-E007F, which carry whole invisible words
// ("paypal.com" followed by hidden text reads as "paypal.com"). Text variation selectors VS15/VS16 stay: they only
// choose how the emoji before them is drawn ("❤️").
const UNSAFE = /(?![\ufe0e\ufe0f])[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufff9-\ufffb\p{Default_Ignorable_Code_Point}]/gu;

function escapeChar(c: string): string {
  const code = c.codePointAt(0)!;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  return code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\u{${code.toString(16)}}`;
}

// Combining marks stack on the letter before them. Past a few, terminals draw them over the lines above and below
// ("Zalgo" text: a display name of one letter and a hundred accents). Everyday text puts at most three on a letter
// (Vietnamese and Thai two): from the fourth of a run on, each is escaped.
const STACKED_MARK = /\p{M}(?<=\p{M}{4})/gu;

function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, escapeChar).replace(STACKED_MARK, escapeChar);
}

/** For one-line display: also shows tabs and newlines as escapes. */
export function safeInline(text: string): string {
  return escapeUnsafe(text).replace(/\t/g, '\\t').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

/** For multi-line display (raw header evidence): keeps newlines and tabs, escapes everything else. */
export function safeBlock(text: string): string {
  return escapeUnsafe(text).replace(/\r/g, '\\r');
}

/** Cut to a display length, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, Math.max(0, max - 1)) + '…';
}
