import { defineRule } from '../define.js';

export const malformedHeader = defineRule({
  id: 'message.malformed-header',
  severity: 'low',
  title: 'The header block is malformed',
  description: 'The header block has NUL bytes or many control bytes, a line that is not a field before the blank line, or was cut at the size cap.',
  explain:
    'Software that writes mail produces clean headers. Broken framing is how attackers make different programs see different headers, for example a filter and the mail client.',
  check: ({ message }) =>
    message.problems
      .filter((p) => p.code === 'nul-in-header' || p.code === 'control-bytes-in-header' || p.code === 'invalid-header-line' || p.code === 'header-truncated')
      .map((p) => ({ evidence: [{ header: '(framing)', index: -1, text: p.detail }], data: { problem: p.code } })),
});
