import { defineRule } from '../define.js';
import { firstEvidence } from '../../identity/support.js';
import { hopEvidence } from '../define.js';

const HOUR = 3600;
/** A Date ahead of the receiving server by more than this is "from the future". Clocks and time zones err by minutes, not hours. */
const FUTURE_LOW = 2 * HOUR;
const FUTURE_MEDIUM = 48 * HOUR;
/** Queues retry for up to 5 days (RFC 5321 4.5.4.1); older than that, the Date was not written when the mail was sent. */
const PAST_LOW = 7 * 24 * HOUR;
const PAST_MEDIUM = 365 * 24 * HOUR;

function human(seconds: number): string {
  const s = Math.abs(seconds);
  if (s >= 2 * 86400) return `${Math.round(s / 86400)} days`;
  return `${Math.round(s / 3600)} hours`;
}

// Date: Mon, 01 Jan 2035 10:00:00 +0000
// Received: ... by mx.example.com ...; Thu, 21 Mar 2024 09:12:44 +0000
export const dateSkew = defineRule({
  id: 'identity.date-skew',
  severity: 'low',
  title: 'The Date header is far from the time the message arrived',
  description: `The Date is more than ${FUTURE_LOW / HOUR} hours after, or more than ${PAST_LOW / 86400} days before, the boundary hop's timestamp.`,
  explain:
    'Date is written by the sender\'s software when the message is composed; the receiving server stamps its own time in Received. Spammers set Date into the future to sort to the top of an inbox, and replayed or re-injected old messages keep a Date long past.',
  check: (ctx) => {
    const ts = ctx.identity.date?.timestamp;
    const boundary = ctx.chain.boundary !== undefined ? ctx.chain.hops[ctx.chain.boundary] : undefined;
    if (!ts || !boundary?.timestamp) return [];
    const ahead = (Date.parse(ts) - Date.parse(boundary.timestamp)) / 1000;
    if (ahead > FUTURE_LOW || -ahead > PAST_LOW) {
      const future = ahead > 0;
      const severity = (future ? ahead > FUTURE_MEDIUM : -ahead > PAST_MEDIUM) ? 'medium' : 'low';
      return [
        {
          severity,
          title: future ? `The Date header is ${human(ahead)} in the future of the arrival time` : `The Date header is ${human(ahead)} older than the arrival time`,
          evidence: [...firstEvidence(ctx.message, 'date'), hopEvidence(boundary)],
          data: { date: ts, arrived: boundary.timestamp, offsetSeconds: Math.round(ahead) },
        },
      ];
    }
    return [];
  },
});
