import type { Dialect } from './types.js';
import { anyComment } from './types.js';

// Exim: "from <rdns> ([<ip>]:<port> helo=<helo>)"; the HELO is written only when it differs from the verified name,
// and without a verified name the from word is the address itself. The envelope sender is a comment.
//   Received: from [88.250.244.171] (port=54075 helo=goldcoastbudgetrenovations.com.au) by ded94233.smartservers.com.au
//     with esmtpsa (TLS1.2) tls TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (Exim 4.96)
//     (envelope-from <backings@goldcoastbudgetrenovations.com.au>) id 1r1dYp-0001BQ-2a for phishing@pot; Sat, 11 Nov 2023 13:...
//   Received: from adsl-157-233-109.jax.bellsouth.net ([66.157.233.109] helo=regina) by homer.perfectpresence.com
//     with smtp (Exim 3.36 #1) id 17nmf5-0004Ay-00; Sat, 07 Sep 2002 16:58:35 -0400
//   Received: from [127.0.0.1] (helo=ws.example.test) by smtp.example.test with esmtp (Exim 4.96) (envelope-from <alice@example.test>) id 1xVN2Q-0000Lu-2D ...
// Local submission: "Received: from dave by dread.disaster.area with local (Exim 4.96) (envelope-from <david@fromorbit.com>) id ..."
export const exim: Dialect = {
  name: 'exim',
  matches: (i) => anyComment(i, /^Exim\b/i) || (i.from?.comments.some((c) => /(?:^|\s)helo=|\]:\d{1,5}\b|^port=\d/i.test(c)) ?? false),
  fromWordIs: 'rdns',
};
