// The dialects, most specific first: a line goes to the first that matches. Add an MTA family: one file, one line.
import type { Dialect } from './types.js';
import { exchange } from './exchange.js';
import { gmail } from './gmail.js';
import { exim } from './exim.js';
import { qmail } from './qmail.js';
import { amavis, lmtp, ses, sendgrid, yahoo, generic } from './others.js';
import { postfix } from './postfix.js';
import { sendmail } from './sendmail.js';
import { zmailer } from './zmailer.js';

export const DIALECTS: readonly Dialect[] = [amavis, exchange, gmail, zmailer, exim, qmail, lmtp, postfix, sendmail, ses, sendgrid, yahoo, generic];

export type { Dialect, DialectInput } from './types.js';

