import type { Dialect } from './types.js';
import { anyComment } from './types.js';

// Postfix smtpd: "from <helo> (<rdns or unknown> [<ip>])", TLS in a comment between from and by.
//   Received: from smtp.kernel.org (relay.kernel.org [52.25.139.140])
//     (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits))
//     (No client certificate requested) by dfw.source.kernel.org (Postfix) with ESMTPS id 6E68B64364; Wed, 9 Aug 2023 17:59:34 +0000 (UTC)
// Postfix pickup (a local submission, no network peer):
//   Received: by ubuntu-s-1vcpu-512mb-10gb-sfo3-01 (Postfix, from userid 0) id 58C9B80930; Thu, 13 Jul 2023 18:55:58 +0000 (UTC)
// A Sendmail line whose client runs as the "postfix" user is no Postfix line: the comment is an ident, not the marker.
//   Received: from lugh.tuatha.org (postfix@lugh.tuatha.org [194.125.145.45]) by dogma.slashnull.org (8.11.6/8.11.6) with ESMTP id ...
export const postfix: Dialect = {
  name: 'postfix',
  matches: (i) => anyComment(i, /^Postfix\b(?!@)/i) || /\bPostfix\b/.test(i.by?.words.slice(1).join(' ') ?? ''),
  fromWordIs: 'helo',
};
