// The chain and its trust boundary, on real chains from the shared corpus (quoted literally, file named) and on
// hand-made variants of them that move one fact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chainOf, messageOf } from './helpers.js';
import { buildChain } from '../../src/hops/chain.js';

// phishing_pot/sample-1154.eml: an Exchange Online mailbox, four hops, the frontend accepted from 80.96.157.234.
const M365 = [
  'from MN0PR19MB5826.namprd19.prod.outlook.com (::1) by MN0PR19MB6312.namprd19.prod.outlook.com with HTTPS; Sat, 19 Aug 2023 07:11:14 +0000',
  'from MW4PR03CA0198.namprd03.prod.outlook.com (2603:10b6:303:b8::23) by MN0PR19MB5826.namprd19.prod.outlook.com (2603:10b6:208:379::22) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.6699.20; Sat, 19 Aug 2023 07:11:13 +0000',
  'from MW2NAM04FT011.eop-NAM04.prod.protection.outlook.com (2603:10b6:303:b8:cafe::f2) by MW4PR03CA0198.outlook.office365.com (2603:10b6:303:b8::23) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.6699.20 via Frontend Transport; Sat, 19 Aug 2023 07:11:13 +0000',
  'from 4j22.granigo.art (80.96.157.234) by MW2NAM04FT011.mail.protection.outlook.com (10.13.30.155) with Microsoft SMTP Server id 15.20.6699.20 via Frontend Transport; Sat, 19 Aug 2023 07:11:12 +0000',
];

test('Microsoft 365: the internal *.prod.outlook.com hops are trusted, the frontend hop is the boundary', () => {
  const chain = chainOf(M365);
  assert.equal(chain.boundary, 0);
  const b = chain.hops[0]!;
  assert.equal(b.trust, 'boundary');
  assert.equal(b.from?.ip, '80.96.157.234');
  assert.match(b.trustReason, /accepted the message from 80\.96\.157\.234/);
  assert.deepEqual(chain.hops.map((h) => h.trust), ['boundary', 'trusted', 'trusted', 'trusted']);
  assert.match(chain.hops[3]!.trustReason, /local step/); // HTTPS from ::1
  assert.match(chain.hops[2]!.trustReason, /outlook\.com/);
});

test('a HELO naming the receiver\'s organisation from an outside address does not move the boundary', () => {
  const forged = [...M365.slice(0, 3), M365[3]!.replace('4j22.granigo.art', 'BN8NAM11FT066.eop-nam11.prod.protection.outlook.com')];
  // A line the sender wrote below, naming an innocent address, must stay below the boundary.
  forged.push('from mail.innocent.example (192.0.2.44) by BN8NAM11FT066.eop-nam11.prod.protection.outlook.com with ESMTP; Sat, 19 Aug 2023 07:11:11 +0000');
  const chain = chainOf(forged);
  assert.equal(chain.hops[chain.boundary!]!.from?.ip, '80.96.157.234');
  assert.equal(chain.hops[0]!.trust, 'untrusted');
});

// phishing_pot/sample-1224.eml: from Gmail to an Exchange Online mailbox, whose own servers hand over between
// outlook.com, office365.com and exchangelabs.com names.
const M365_EXCHANGELABS = [
  'from CH3PR19MB8126.namprd19.prod.outlook.com (2603:10b6:610:17e::13) by MN0PR19MB6312.namprd19.prod.outlook.com with HTTPS; Sun, 3 Sep 2023 00:53:31 +0000',
  'from DUZPR01CA0055.eurprd01.prod.exchangelabs.com (2603:10a6:10:469::19) by CH3PR19MB8126.namprd19.prod.outlook.com (2603:10b6:610:17e::13) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.6745.27; Sun, 3 Sep 2023 00:53:31 +0000',
  'from DB3EUR04FT019.eop-eur04.prod.protection.outlook.com (2603:10a6:10:469:cafe::db) by DUZPR01CA0055.outlook.office365.com (2603:10a6:10:469::19) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.6745.28 via Frontend Transport; Sun, 3 Sep 2023 00:53:30 +0000',
  'from mail-vk1-f180.google.com (209.85.221.180) by DB3EUR04FT019.mail.protection.outlook.com (10.152.25.26) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.6745.22 via Frontend Transport; Sun, 3 Sep 2023 00:53:29 +0000',
];

test('Microsoft 365: an exchangelabs.com hop is the provider\'s own, the boundary is its frontend\'s intake', () => {
  // The receivers are outlook.com; exchangelabs.com was "outside the receiving side", so the boundary sat on
  // Microsoft's internal hop, and the receiver's own Authentication-Results under it went untrusted.
  const chain = chainOf(M365_EXCHANGELABS);
  assert.equal(chain.hops[chain.boundary!]!.from?.ip, '209.85.221.180');
  assert.deepEqual(chain.hops.map((h) => h.trust), ['boundary', 'trusted', 'trusted', 'trusted']);
  assert.match(chain.hops[2]!.trustReason, /exchangelabs\.com, the receiving side's organisation \(.*the same provider as outlook\.com\)/);
});

// spamassassin/spam-2/00005.eml (recipient anonymised): fetchmail fetched the mailbox at webnote.net over POP3 and
// handed it to the local Postfix. The mailbox's server is the recipient's own: the message entered where webnote.net's
// Sendmail accepted it from 66.60.167.66, not where fetchmail fetched it.
const FETCHMAIL_POP3 = [
  'from localhost (localhost [127.0.0.1]) by phobos.labs.netnoteinc.com (Postfix) with ESMTP id 8399C44126 for <user@localhost>; Tue,  6 Aug 2002 05:55:17 -0400 (EDT)',
  'from mail.webnote.net [193.120.211.219] by localhost with POP3 (fetchmail-5.9.0) for user@localhost (single-drop); Tue, 06 Aug 2002 10:55:17 +0100 (IST)',
  'from ns1.snaapp.com (066.dsl6660167.bstatic.surewest.net [66.60.167.66]) by webnote.net (8.9.3/8.9.3) with ESMTP id BAA09623 for <user@netnoteinc.com>; Sun, 4 Aug 2002 01:37:55 +0100',
  'from html ([199.35.244.221]) by ns1.snaapp.com (Post.Office MTA v3.1.2 release (PO205-101c) ID# 0-47762U100L2S100) with SMTP id ABD354; Sat, 3 Aug 2002 17:32:59 -0700',
];

test('a fetchmail POP3 retrieval is the recipient\'s own step: the boundary is where the mailbox\'s server accepted the message', () => {
  const chain = chainOf(FETCHMAIL_POP3);
  const fetch = chain.hops[2]!;
  assert.equal(fetch.kind, 'local');
  assert.equal(fetch.protocol, 'POP3');
  assert.equal(fetch.trust, 'trusted');
  assert.match(fetch.trustReason, /retrieval/);
  assert.equal(chain.boundary, 1);
  assert.equal(chain.hops[1]!.from?.ip, '66.60.167.66');
  assert.deepEqual(chain.hops.map((h) => h.trust), ['untrusted', 'boundary', 'trusted', 'trusted']);
});

// phishing_pot/sample-433.eml: two LMTP hops inside the provider on private addresses, then the Postfix MX.
const LMTP_ON_TOP = [
  'from director-prod-uolhost-4 ([10.81.8.104]) by backend-m5ad-prod-uolhost-21 with LMTP id SJA/Bo7jAWSZegAACrM/MQ (envelope-from <mygesta@mygesta.com>) for <sergio+Quarentena@karismarep1.dominiotemporario.com>; Fri, 03 Mar 2023 12:09:50 +0000',
  'from a2-sodoma5-1 ([10.81.8.148]) by director-prod-uolhost-4 with LMTP id QHE3Oo3jAWQKZwAARyoKLQ (envelope-from <mygesta@mygesta.com>) for <sergio+Quarentena@karismarep1.dominiotemporario.com>; Fri, 03 Mar 2023 12:09:49 +0000',
  'from server.globalbg.ovh (ip230.ip-51-83-121.eu [51.83.121.230]) (using TLSv1.2 with cipher ECDHE-RSA-AES128-GCM-SHA256 (128/128 bits)) (Client did not present a certificate) by a2-snowball4.uhserver.com (Postfix) with ESMTPS id 4PSmxT0bDfzKLKG3 for <sergio@karismarepresentacoes.com.br>; Fri,  3 Mar 2023 09:09:46 -0300 (-03)',
  'from [4.228.82.102] (unknown [4.228.82.102]) (Authenticated sender: mygesta@mygesta.com) by server.globalbg.ovh (Postfix) with ESMTPSA id 762AA6F750 for <sergio@karismarepresentacoes.com.br>; Fri,  3 Mar 2023 14:07:15 +0200 (EET)',
];

test('LMTP hops on private addresses on top are trusted; the Postfix MX hop is the boundary', () => {
  const chain = chainOf(LMTP_ON_TOP);
  assert.deepEqual(chain.hops.map((h) => h.trust), ['untrusted', 'boundary', 'trusted', 'trusted']);
  assert.equal(chain.hops[1]!.from?.ip, '51.83.121.230');
  assert.match(chain.hops[3]!.trustReason, /private address/);
  // -0300 after +0200: compared as instants this is 2 min 31 s, not 5 hours
  assert.equal(chain.hops[1]!.delaySeconds, 151);
  assert.equal(chain.totalDelaySeconds, 155);
});

// phishing_pot: a Gmail mailbox. The top hop has no from clause (Gmail's internal "by <IPv6> with SMTP id").
const GMAIL = [
  'by 2002:a05:7300:5388:b0:d4:2fe3:bd4a with SMTP id bc8csp3167493dyb; Mon, 3 Jul 2023 09:29:48 -0700 (PDT)',
  'from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41]) by mx.google.com with SMTPS id d11-20020a67c10b000000b004436536adc4sor1811290vsj.14.2023.07.03.09.29.47 for <kyftdstrtdyuiouytreastuiytrseastdyfug@supernova12.click> (Google Transport Security); Mon, 03 Jul 2023 09:29:47 -0700 (PDT)',
];

test('Gmail: a hop with no from clause on top is a trusted local step; Gmail to Gmail enters at Google\'s shared outbound server', () => {
  const chain = chainOf(GMAIL);
  assert.equal(chain.hops[1]!.trust, 'trusted');
  assert.equal(chain.boundary, 0, 'mail-*.google.com sends for every Google customer: it is outside the receiving mailbox');
  assert.match(chain.hops[0]!.trustReason, /mx\.google\.com accepted the message from 209\.85\.220\.41/);
  assert.equal(chain.hops[0]!.from?.ip, '209.85.220.41');
  const external = chainOf([GMAIL[0]!, GMAIL[1]!.replace('mail-sor-f41.google.com. [209.85.220.41]', 'mail.sender.example. [198.51.100.9]')]);
  assert.equal(external.boundary, 0);
  assert.equal(external.hops[0]!.from?.ip, '198.51.100.9');
});

// kernel-list/00074-*.eml: a mailing list (vger) forwards to the subscriber's Postfix at lfdr.de.
const KERNEL = [
  'from vger.kernel.org (vger.kernel.org [209.132.180.67]) by mail.lfdr.de (Postfix) with ESMTP id B131FF3CB1 for <lists+ecryptfs@lfdr.de>; Fri,  8 Nov 2019 01:18:29 +0100 (CET)',
  '(majordomo@vger.kernel.org) by vger.kernel.org via listexpand id S1725928AbfKHASX (ORCPT <rfc822;lists+ecryptfs@lfdr.de>); Thu, 7 Nov 2019 19:18:23 -0500',
  'from [211.53.128.215] ([211.53.128.215]:41198 "EHLO MAIL.isd.co.kr" rhost-flags-FAIL-FAIL-OK-FAIL) by vger.kernel.org with ESMTP id S1727074AbfKHASR (ORCPT <rfc822;ecryptfs@vger.kernel.org>); Thu, 7 Nov 2019 19:18:17 -0500',
  'from 192.168.1.3 (217.217.179.17) by MAIL.isd.co.kr (10.10.10.22) with Microsoft SMTP Server id 14.3.123.3; Fri, 8 Nov 2019 09:18:07 +0900',
];

test('forwarded mail: the subscriber\'s MX accepting from the list server is the boundary; --trust moves it to the list', () => {
  const inferred = chainOf(KERNEL);
  assert.equal(inferred.boundary, 3);
  assert.equal(inferred.hops[3]!.from?.ip, '209.132.180.67');
  const trusted = chainOf(KERNEL, { trust: ['vger.kernel.org'] });
  assert.equal(trusted.boundary, 1);
  assert.equal(trusted.hops[1]!.from?.ip, '211.53.128.215');
  assert.match(trusted.hops[3]!.trustReason, /--trust vger\.kernel\.org/);
  assert.match(trusted.hops[2]!.trustReason, /local step/);
});

test('--trust CIDRs (v4 and v6) override the inference; without a matching entry even a private client is outside', () => {
  const byV4 = chainOf(KERNEL, { trust: ['209.132.180.0/24'] });
  assert.equal(byV4.boundary, 1);
  const v6 = [
    'from relay.corp.example (relay.corp.example [2001:db8:aa::25]) by mx.corp.example (Postfix) with ESMTP id A; Mon, 1 Jan 2024 00:00:02 +0000',
    'from laptop (laptop [10.1.2.3]) by relay.corp.example (Postfix) with ESMTPSA id B; Mon, 1 Jan 2024 00:00:01 +0000',
  ];
  const byV6 = chainOf(v6, { trust: ['2001:DB8:AA::/48'] });
  assert.equal(byV6.hops[1]!.trust, 'trusted');
  assert.equal(byV6.boundary, 0, 'the explicit list replaces the private-address inference');
  const inferred = chainOf(v6);
  assert.deepEqual(inferred.hops.map((h) => h.trust), ['trusted', 'trusted']);
  assert.equal(inferred.boundary, undefined, 'inferred: same organisation, then a private address: all internal, no public client');
});

test('an authserv-id above the next Received names the organisation; one the sender planted lower down does not', () => {
  const top = 'Received: from mail.example.net (mail.example.net [198.51.100.20]) by imap (Cyrus v3.4) with LMTPA; Mon, 1 Jan 2024 00:00:03 +0000';
  const mx = 'Received: from sender.example.com (sender.example.com [203.0.113.7]) by mail.example.net (Postfix) with ESMTP id Q; Mon, 1 Jan 2024 00:00:02 +0000';
  const ar = 'Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=sender.example.com';
  const withAr = buildChain(messageOf([ar, top, mx, 'Subject: x']), { trust: [], authservIds: [] });
  assert.equal(withAr.boundary, 0);
  assert.match(withAr.hops[1]!.trustReason, /authserv-id mx\.example\.net/);
  const planted = buildChain(messageOf([top, mx, ar, 'Subject: x']), { trust: [], authservIds: [] });
  assert.equal(planted.boundary, 1, 'an Authentication-Results below both Received lines proves nothing');
  const configured = buildChain(messageOf([top, mx, 'Subject: x']), { trust: [], authservIds: ['mx.example.net'] });
  assert.equal(configured.boundary, 0);
  const arc = 'ARC-Seal: i=1; a=rsa-sha256; t=1; cv=none; d=example.net; s=arc; b=AAAA';
  assert.equal(buildChain(messageOf([arc, top, mx, 'Subject: x']), { trust: [], authservIds: [] }).boundary, 0);
});

test('no Received, a single hop, and a hop without a from clause', () => {
  const none = buildChain(messageOf(['Subject: x']), { trust: [], authservIds: [] });
  assert.deepEqual(none.hops, []);
  assert.equal(none.boundary, undefined);
  assert.equal(none.totalDelaySeconds, undefined);
  const single = chainOf(['from a.example (a.example [198.51.100.1]) by mx.b.example (Postfix) with ESMTP id X; Mon, 1 Jan 2024 00:00:00 +0000']);
  assert.equal(single.boundary, 0);
  assert.equal(single.hops[0]!.delaySeconds, undefined);
  const pickup = chainOf(['by host.example (Postfix, from userid 0) id X; Mon, 1 Jan 2024 00:00:00 +0000']);
  assert.equal(pickup.boundary, undefined);
  assert.equal(pickup.hops[0]!.trust, 'trusted');
});

test('delays: clock skew is negative seconds, never a wrapped 23 hours; a missing date is skipped over', () => {
  const chain = chainOf([
    'from b.example (b.example [198.51.100.2]) by c.example with ESMTP; Mon, 1 Jan 2024 00:59:30 +0100',
    'from a.example (a.example [198.51.100.1]) by b.example with ESMTP; no date at all',
    'from z.example (z.example [198.51.100.3]) by a.example with ESMTP; Sun, 31 Dec 2023 19:00:00 -0500',
  ]);
  assert.equal(chain.hops[1]!.delaySeconds, undefined);
  assert.equal(chain.hops[2]!.delaySeconds, -30);
  assert.equal(chain.totalDelaySeconds, -30);
});

// phishing_pot/sample-1086.eml: from one Exchange Online tenant to another. Every host is *.outlook.com, but the
// sending tenant's outbound server (*.outbound.protection.outlook.com) is outside the receiving tenant.
const TENANT_TO_TENANT = [
  'from SN7PR19MB4784.namprd19.prod.outlook.com (2603:10b6:806:f7::12) by MN0PR19MB6312.namprd19.prod.outlook.com with HTTPS; Tue, 15 Aug 2023 15:25:53 +0000',
  'from DB9PR06CA0014.eurprd06.prod.outlook.com (2603:10a6:10:1db::19) by SN7PR19MB4784.namprd19.prod.outlook.com (2603:10b6:806:f7::12) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.6678.26; Tue, 15 Aug 2023 15:25:52 +0000',
  'from DB8EUR06FT022.eop-eur06.prod.protection.outlook.com (2603:10a6:10:1db:cafe::4c) by DB9PR06CA0014.outlook.office365.com (2603:10a6:10:1db::19) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.6652.33 via Frontend Transport; Tue, 15 Aug 2023 15:25:51 +0000',
  'from NAM11-BN8-obe.outbound.protection.outlook.com (40.92.20.10) by DB8EUR06FT022.mail.protection.outlook.com (10.233.253.31) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.6699.15 via Frontend Transport; Tue, 15 Aug 2023 15:25:51 +0000',
  'from SJ0PR03MB5951.namprd03.prod.outlook.com (2603:10b6:a03:2de::13) by LV3PR03MB7359.namprd03.prod.outlook.com (2603:10b6:408:1a2::10) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.6678.26; Tue, 15 Aug 2023 15:25:46 +0000',
  'from SJ0PR03MB5951.namprd03.prod.outlook.com ([fe80::1f00:2583:f2ad:fccf]) by SJ0PR03MB5951.namprd03.prod.outlook.com ([fe80::1f00:2583:f2ad:fccf%3]) with mapi id 15.20.6678.025; Tue, 15 Aug 2023 15:25:46 +0000',
];

test('Exchange Online tenant to tenant: the boundary is the frontend accepting from the sending tenant\'s outbound server', () => {
  const chain = chainOf(TENANT_TO_TENANT);
  assert.equal(chain.boundary, 2);
  assert.equal(chain.hops[2]!.from?.ip, '40.92.20.10');
  assert.deepEqual(chain.hops.map((h) => h.trust), ['untrusted', 'untrusted', 'boundary', 'trusted', 'trusted', 'trusted']);
  assert.equal(chain.hops[0]!.kind, 'local', 'mapi submission in the sending tenant');
});

// Sendmail writes "(may be forged)" when the client's PTR name does not resolve back to its address: the name is
// whatever the address's owner wrote, so it must not make the hop the receiving side's own (it moved the boundary
// onto a sender-written hop, whose planted results were then trusted).
test('a reverse-DNS name marked "(may be forged)" is not used: the hop stays the boundary', () => {
  const chain = chainOf([
    'from mx1.example.net (mx1.example.net [10.0.0.1]) by mx2.example.net with ESMTP id B; Mon, 1 Jan 2024 00:00:05 +0000',
    'from x (mx0.example.net [45.33.32.156] (may be forged)) by mx1.example.net (8.15.2/8.15.2) with ESMTP id A for <b@example.net>; Mon, 1 Jan 2024 00:00:00 +0000',
    'from real.paypal.com (real.paypal.com [64.4.250.1]) by mx0.example.net (Postfix) with ESMTP id Z; Mon, 1 Jan 2024 00:00:00 +0000',
  ]);
  const forged = chain.hops.find((h) => h.from?.ip === '45.33.32.156')!;
  assert.equal(forged.from?.rdns, undefined);
  assert.match(forged.notes?.join(' ') ?? '', /mx0\.example\.net not confirmed by the receiver/);
  assert.equal(chain.hops[chain.boundary!], forged, 'the boundary is the hop from 45.33.32.156, not the one below it');
});

// The client's address is the receiver's last "[ip]" comment, and never one quoting the client's HELO: qpsmtpd and
// qmail write "(HELO [literal])" before the address they saw, and a HELO of "x(y[10.0.0.9])" puts a fake group first.
test('the client address: the last [ip] comment, not a HELO literal nor an injected group', () => {
  const ipOf = (received: string) => chainOf([received]).hops[0]!.from?.ip;
  // phishing_pot/sample-869.eml: the HELO was [127.0.0.1], the client 18.118.215.112
  assert.equal(ipOf('from ec2-18-118-215-112.us-east-2.compute.amazonaws.com (HELO [127.0.0.1]) (18.118.215.112) by smtp.schmetterling-argus.de (qpsmtpd/0.94) with (TLS_AES_256_GCM_SHA384 encrypted) ESMTPS; Thu, 24 Aug 2023 10:10:10 +0200'), '18.118.215.112');
  // spamassassin/easy-ham-1/01301: qmail-ldap, HELO [192.168.1.105], client [66.93.225.166]
  assert.equal(ipOf('from unknown (HELO [192.168.1.105]) ([66.93.225.166]) (envelope-sender <dbasinge@speakeasy.net>) by mail15.speakeasy.net (qmail-ldap-1.03) with SMTP for <x@example.org>; 10 Oct 2002 10:30:25 -0000'), '66.93.225.166');
  // spamassassin/easy-ham-1/01306: Yahoo, "(user@ip with plain)"
  assert.equal(ipOf('from unknown (HELO ?192.168.0.100?) (salimma1@212.18.241.211 with plain) by smtp.mail.vip.sc5.yahoo.com with SMTP; 10 Oct 2002 10:30:25 -0000'), '212.18.241.211');
  assert.equal(ipOf('from x.example.org(y.example.org[10.0.0.9]) (unknown [203.0.113.5]) by mx1.example.net (Postfix) with ESMTP id A; Mon, 1 Jan 2024 00:00:00 +0000'), '203.0.113.5');
});
