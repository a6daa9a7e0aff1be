// What a dialect sees, and what it decides. A dialect recognises one MTA family's Received line and says how to read
// the from clause, because the same shape means different things: in "from A (B [ip])" Postfix's A is the HELO name
// and B the reverse DNS, while in Exim's "from A ([ip]:port helo=H)" A is the reverse DNS and H the HELO.
import type { Clause, SplitReceived } from '../clauses.js';

export interface DialectInput {
  split: SplitReceived;
  from?: Clause;
  by?: Clause;
  /** The with clause's words joined ("Microsoft SMTP Server"), '' when absent. */
  withText: string;
  /** The by host as written. */
  byHost: string;
  /** Every comment of the line (lead, clauses, trailer), for markers such as "(Exim 4.96)". */
  comments: string[];
}

export interface Dialect {
  name: string;
  /** True when the line is this MTA's. Checked in order; the first match wins. */
  matches(input: DialectInput): boolean;
  /** What the first word of the from clause is: the client's HELO name, or the receiver's reverse-DNS name. */
  fromWordIs: 'helo' | 'rdns';
}

/** Case-insensitive test of a marker against every comment. */
export function anyComment(input: DialectInput, pattern: RegExp): boolean {
  return input.comments.some((c) => pattern.test(c));
}
