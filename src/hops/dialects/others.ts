// Smaller families. Each reads its from clause like Postfix does; they are named so that counts and tests show them.
import type { Dialect } from './types.js';
import { anyComment } from './types.js';

// amavisd-new, a content filter re-injecting over loopback:
//   Received: from imp.edu.mx ([127.0.0.1]) by localhost (imp.edu.mx [127.0.0.1]) (amavisd-new, port 10032) with ESMTP id g8Z9LHnOfPYI;
//     Wed, 19 Feb 2020 03:10:21 -0600 (CST)
export const amavis: Dialect = { name: 'amavis', matches: (i) => anyComment(i, /amavis/i), fromWordIs: 'helo' };

// LMTP into the mailbox store (Dovecot, Cyrus):
//   Received: from director-prod-uolhost-0 ([10.81.8.101]) by backend-m5ad-prod-uolhost-15 with LMTP id QBiBA5a3WmSfPQAAhT+Htg
//     (envelope-from <novaespaulo@sinopecpetro.com>) for <anne.compras+Quarentena@brasmedica.dominiotemporario.com>; Tue, 09 May 2023 21:13:58 +0000
//   Received: from www.fastmail.fm (server1.internal [10.202.2.132]) by server2.fastmail.fm (Cyrus v2.1.5) with LMTP; Tue, 20 Aug 2002 02:31:31 -0500
// Dovecot's own submission relay:
//   Received: from dovecot-director2.suse.de ([192.168.254.65]) by imap2.suse-dmz.suse.de with ESMTPSA id 5Kd7DOVM02RCbwAAMHmgww
//     (envelope-from <jack@suse.cz>); Wed, 09 Aug 2023 08:23:01 +0000
export const lmtp: Dialect = {
  name: 'lmtp',
  matches: (i) => /^LMTP[SA]{0,2}$/i.test(i.withText.split(' ')[0] ?? '') || anyComment(i, /^(?:Dovecot|Cyrus)\b/i) || /^dovecot/i.test(i.from?.words[0] ?? ''),
  fromWordIs: 'helo',
};

// Amazon SES, inbound and outbound:
//   Received: from a]b-123.smtp-out.us-east-1.amazonses.com (a]b-123.smtp-out.us-east-1.amazonses.com [54.240.0.1])
//     by inbound-smtp.us-east-1.amazonaws.com with SMTP id abc123def456 for user@example.com; Fri, 1 Mar 2024 12:00:00 +0000 (UTC)
//   Received: from host by email-smtp.amazonaws.com with SMTP (SimpleEmailService-d-ABCDEF) id ...; date
export const ses: Dialect = {
  name: 'ses',
  matches: (i) => /amazonaws\.com$|amazonses\.com$/i.test(i.byHost) || anyComment(i, /^SimpleEmailService/i),
  fromWordIs: 'helo',
};

// SendGrid: Go's time.String() dates without the ';', and "(SG)" after the by host:
//   Received: by filterdrecv-5658d4dd7-dn7b6 with SMTP id filterdrecv-5658d4dd7-dn7b6-1-652BB213-37
//     2023-10-15 09:34:11.737383461 +0000 UTC m=+393048.346080050
//   Received: from smtp.github.com (out-8.smtp.github.com [192.30.252.199]) by ismtpd0003p1iad2.sendgrid.net (SG) with ESMTP
//     id gDQRSEGgSqCsi9tFtF1Vtg Mon, 26 Mar 2018 13:35:36.102 +0000 (UTC)
export const sendgrid: Dialect = {
  name: 'sendgrid',
  matches: (i) => /sendgrid\.net$|^filterdrecv-/i.test(i.byHost) || (i.by?.comments.includes('SG') ?? false) || /\bm=\+\d/.test(i.split.dateText ?? ''),
  fromWordIs: 'helo',
};

// Yahoo: webmail submissions over HTTP, and the sonic gateway.
//   Received: from [194.237.142.5] by web13705.mail.yahoo.com via HTTP; Tue, 27 Aug 2002 12:31:52 PDT
//   Received: from sonic.gate.mail.ne1.yahoo.com by sonic307.consmr.mail.ne1.yahoo.com with HTTP; Tue, 17 Mar 2020 12:07:27 +0000
export const yahoo: Dialect = { name: 'yahoo', matches: (i) => /(?:^|\.)yahoo\.(?:com|net)$|yahoodns\.net$/i.test(i.byHost), fromWordIs: 'helo' };

// Anything else: read as RFC 5321 4.4 suggests, "from <helo> (<rdns> [<ip>])".
export const generic: Dialect = { name: 'generic', matches: () => true, fromWordIs: 'helo' };
