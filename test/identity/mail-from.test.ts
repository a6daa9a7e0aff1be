// The envelope MAIL FROM: a Return-Path counts above the boundary, and below it only when the receiving side's own
// trusted Authentication-Results recorded the same MAIL FROM (Exchange Online writes its Return-Path down there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';

// phishing_pot/sample-1020.eml, shortened: Exchange Online's frontend accepted it from 89.144.10.219.
const exchange = (results: string, returnPath = 'Return-Path: 7gzye41@oqmhwr.net', belowAr = '') =>
  Buffer.from([
    'Received: from MW2NAM12FT089.eop-nam12.prod.protection.outlook.com (2603:10b6:303:85:cafe::6f) by MW4PR04CA0174.outlook.office365.com (2603:10b6:303:85::29) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.6652.21 via Frontend Transport; Sat, 5 Aug 2023 01:36:49 +0000',
    `Authentication-Results: ${results}`,
    'Received: from pcvelocity.com (89.144.10.219) by MW2NAM12FT089.mail.protection.outlook.com (10.13.180.74) with Microsoft SMTP Server id 15.20.6652.24 via Frontend Transport; Sat, 5 Aug 2023 01:36:48 +0000',
    'From: Costco Customer Support <noreply@costco.com>',
    'Subject: x',
    belowAr,
    returnPath,
  ].filter(Boolean).join('\n') + '\n\nbody\n');

const mailFrom = async (raw: Buffer) => (await analyze(raw, { offline: true })).identity.envelope;

test('a Return-Path below the boundary counts when the receiver\'s trusted result recorded the same MAIL FROM', async () => {
  // It was no MAIL FROM at all for 2,337 phishing_pot messages, so the bounce-address checks were silent on them.
  const e = await mailFrom(exchange('spf=none (sender IP is 89.144.10.219) smtp.mailfrom=oqmhwr.net; dkim=none (message not signed) header.d=none;dmarc=fail action=none header.from=costco.com;compauth=fail reason=001'));
  assert.equal(e.mailFrom, '7gzye41@oqmhwr.net');
  assert.deepEqual(e.mailFromSource, { header: 'Return-Path', index: 5 });
});

test('it does not when the recorded MAIL FROM differs, or when the result is not the receiver\'s own', async () => {
  const other = await mailFrom(exchange('spf=pass (sender IP is 89.144.10.219) smtp.mailfrom=costco.com; dmarc=pass header.from=costco.com'));
  assert.equal(other.mailFrom, undefined, 'a sender\'s Return-Path that the receiver did not see');
  // The same result written by the sender, among its own fields below the boundary: nothing confirms the path.
  const planted = await mailFrom(exchange('spf=none smtp.mailfrom=example.net', undefined, 'Authentication-Results: mw2nam12ft089.mail.protection.outlook.com; spf=pass smtp.mailfrom=oqmhwr.net'));
  assert.equal(planted.mailFrom, undefined);
});

test('of several agreeing Return-Paths the lowest counts: a domain does not vouch for a sender\'s local part above it', async () => {
  // Exchange Online appends its Return-Path after the sender's fields; a sender's own, above it, named a list owner
  // (owner-...), which made the message list traffic: the Reply-To finding went from low to info, the verdict pass.
  const raw = exchange(
    'spf=none (sender IP is 89.144.10.219) smtp.mailfrom=oqmhwr.net; dkim=none (message not signed) header.d=none;dmarc=fail action=none header.from=costco.com;compauth=fail reason=001',
    'X-IncomingHeaderCount: 3\nReturn-Path: 7gzye41@oqmhwr.net',
    'Return-Path: owner-news@oqmhwr.net',
  );
  const e = await mailFrom(raw);
  assert.equal(e.mailFrom, '7gzye41@oqmhwr.net');
  assert.deepEqual(e.mailFromSource, { header: 'Return-Path', index: 7 });
});
