import type { Dialect } from './types.js';
import { anyComment } from './types.js';

// qmail-smtpd: "from <rdns or unknown> (HELO <helo>) (<ip>)"; qmail-queue adds a line of its own per injection.
//   Received: from unknown (HELO maya.dyndns.org) (207.61.5.143) by smtp1.superb.net with SMTP; 2 Oct 2002 16:25:59 -0000
//   Received: from smtprelay0207.b.hostedemail.com (HELO smtprelay.b.hostedemail.com) (64.98.42.207) by smtp.server.net with SMTP; 22 Aug 2016 14:23:01 -0000
//   Received: (qmail 6472 invoked from network); 22 Aug 2002 15:04:07 -0000
//   Received: (qmail 6850 invoked by uid 10602); 3 Sep 2002 12:41:26 -0000
export const qmail: Dialect = {
  name: 'qmail',
  matches: (i) => anyComment(i, /^qmail \d+ invoked\b/i) || (i.from?.comments.some((c) => /^(?:HELO|EHLO)\s/i.test(c)) ?? false),
  fromWordIs: 'rdns',
};
