import type { Dialect } from './types.js';
import { anyComment } from './types.js';

// Sendmail: the by comment is the version pair "(8.11.6/8.11.6)"; an ident user may precede the reverse DNS name,
// TLS is a "(version=... cipher=... bits=... verify=...)" comment and the envelope sender follows the date.
//   Received: from lugh (root@localhost [127.0.0.1]) by lugh.tuatha.org (8.9.3/8.9.3) with ESMTP id QAA07692; Thu, 22 Aug 2002 16:33:43 +0100
//   Received: from locust.minder.net (locust.minder.net [66.92.53.74]) by hq.pro-ns.net (8.12.5/8.12.5) with ESMTP id g6MCkfhY009115
//     (version=TLSv1/SSLv3 cipher=EDH-DSS-DES-CBC3-SHA bits=168 verify=NO) for <cypherpunks@ds.pro-ns.net>;
//     Mon, 22 Jul 2002 07:46:42 -0500 (CDT) (envelope-from cpunks@waste.minder.net)
// Local submission: "Received: (from jm@localhost) by dogma.slashnull.org (8.11.6/8.11.6) id g6...; date"
export const sendmail: Dialect = {
  name: 'sendmail',
  matches: (i) => anyComment(i, /^\d+\.\d+\.\d+(?:\.\d+)?\/[\d.]+/) || anyComment(i, /^from \S+@\S+$/),
  fromWordIs: 'helo',
};
