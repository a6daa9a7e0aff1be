// One table of real Received headers per MTA family, copied literally from the shared corpus messages
// (../shared/corpus/{phishing_pot,spamassassin,kernel-list}; the file is named beside each), plus hand-written
// hostile lines. Each row asserts only the fields it is about.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hopOf } from './helpers.js';
import type { Hop } from '../../src/types.js';

type Expect = Partial<Omit<Hop, 'from'>> & { from?: Hop['from'] | null };

interface Row {
  name: string;
  received: string;
  expect: Expect;
}

/** Assert the listed fields only; `from: null` means "no from peer at all". */
function check(row: Row): void {
  // As the JSON report has it: a hop keeps every key (one hidden class), undefined where the line has no such field.
  const hop = JSON.parse(JSON.stringify(hopOf(row.received))) as Record<string, unknown>;
  for (const [key, want] of Object.entries(row.expect)) {
    const got = hop[key];
    if (key === 'from' && want === null) assert.equal(got, undefined, `${row.name}: from`);
    else assert.deepEqual(got, want, `${row.name}: ${key}`);
  }
}

const ROWS: Row[] = [
  // ---------------------------------------------------------------- Postfix
  {
    name: 'postfix with TLS comment between from and by (kernel-list/00511-*)',
    received: `from smtp.kernel.org (relay.kernel.org [52.25.139.140])
\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)
\t key-exchange X25519 server-signature RSA-PSS (2048 bits))
\t(No client certificate requested)
\tby dfw.source.kernel.org (Postfix) with ESMTPS id 6E68B64364;
\tWed,  9 Aug 2023 17:59:34 +0000 (UTC)`,
    expect: {
      kind: 'relay',
      dialect: 'postfix',
      parse: 'ok',
      from: { helo: 'smtp.kernel.org', rdns: 'relay.kernel.org', ip: '52.25.139.140', rdnsLooked: true },
      by: 'dfw.source.kernel.org',
      protocol: 'ESMTPS',
      tls: true,
      tlsVersion: 'TLSv1.3',
      tlsCipher: 'TLS_AES_256_GCM_SHA384',
      id: '6E68B64364',
      timestamp: '2023-08-09T17:59:34.000Z',
      zoneOffsetMinutes: 0,
    },
  },
  {
    name: 'postfix pickup: no network peer (phishing_pot)',
    received: 'by ubuntu-s-1vcpu-512mb-10gb-sfo3-01 (Postfix, from userid 0) id 58C9B80930; Thu, 13 Jul 2023 18:55:58 +0000 (UTC)',
    expect: { kind: 'local', dialect: 'postfix', from: null, by: 'ubuntu-s-1vcpu-512mb-10gb-sfo3-01', id: '58C9B80930' },
  },
  {
    name: 'postfix ESMTPSA: authenticated submission (kernel-list)',
    received:
      'from jarvis (c-73-35-198-56.hsd1.wa.comcast.net [73.35.198.56]) (using TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)) (No client certificate requested) by bedivere.hansenpartnership.com (Postfix) with ESMTPSA id 0DE4F8EE120; Fri,  9 Oct 2020 19:43:14 -0700 (PDT)',
    expect: { authenticated: true, protocol: 'ESMTPSA', from: { helo: 'jarvis', rdns: 'c-73-35-198-56.hsd1.wa.comcast.net', ip: '73.35.198.56', rdnsLooked: true }, zoneOffsetMinutes: -420, timestamp: '2020-10-10T02:43:14.000Z' },
  },
  // ---------------------------------------------------------------- Sendmail
  {
    name: 'sendmail with ident user and loopback (spamassassin/easy-ham-1)',
    received: 'from lugh (root@localhost [127.0.0.1]) by lugh.tuatha.org (8.9.3/8.9.3) with ESMTP id QAA07692; Thu, 22 Aug 2002 16:33:43 +0100',
    expect: { kind: 'local', dialect: 'sendmail', from: { helo: 'lugh', rdns: 'localhost', ip: '127.0.0.1', ident: 'root', rdnsLooked: true }, id: 'QAA07692' },
  },
  {
    name: 'sendmail with the "postfix" ident user is no Postfix line (spamassassin/easy-ham-1/00111, recipient anonymised)',
    received:
      'from lugh.tuatha.org (postfix@lugh.tuatha.org [194.125.145.45]) by dogma.slashnull.org (8.11.6/8.11.6) with ESMTP id g979YRK26044 for <user@spamassassin.taint.org>; Mon, 7 Oct 2002 10:34:27 +0100',
    expect: { dialect: 'sendmail', from: { helo: 'lugh.tuatha.org', rdns: 'lugh.tuatha.org', ip: '194.125.145.45', ident: 'postfix', rdnsLooked: true } },
  },
  {
    name: 'sendmail "user@[ip]": an ident user and no reverse-DNS name (spamassassin/spam-2/01025)',
    received: `from einstein.ssz.com (cpunks@[207.200.56.4])
	by hq.pro-ns.net (8.12.5/8.12.5) with ESMTP id g6O9h8hX077500
	for <cypherpunks@ds.pro-ns.net>; Wed, 24 Jul 2002 04:43:23 -0500 (CDT)
	(envelope-from cpunks@einstein.ssz.com)`,
    expect: { dialect: 'sendmail', from: { helo: 'einstein.ssz.com', ip: '207.200.56.4', ident: 'cpunks', rdnsLooked: true }, envelopeFrom: 'cpunks@einstein.ssz.com' },
  },
  {
    name: 'sendmail "IDENT:user@[ip]": Red Hat\'s label is not part of the ident (spamassassin/spam-1/00135)',
    received: `from yahoo.com (IDENT:squid@[211.57.23.142]) by
    dogma.slashnull.org (8.11.6/8.11.6) with SMTP id g7RJLTZ22353 for
    <webmaster@efi.ie>; Tue, 27 Aug 2002 20:21:30 +0100`,
    expect: { from: { helo: 'yahoo.com', ip: '211.57.23.142', ident: 'squid', rdnsLooked: true } },
  },
  {
    name: 'sendmail "IDENT:user@name [ip]" (spamassassin/easy-ham-1/01427, ident anonymised)',
    received: `from aztec.zanshin.com (IDENT:someone@aztec.zanshin.com
    [167.160.213.132]) by moonbase.zanshin.com (8.11.0/8.11.0) with ESMTP id
    g82M0JJ08146; Mon, 2 Sep 2002 15:00:19 -0700`,
    expect: { from: { helo: 'aztec.zanshin.com', rdns: 'aztec.zanshin.com', ip: '167.160.213.132', ident: 'someone', rdnsLooked: true } },
  },
  {
    name: 'sendmail TLS comment after id and envelope-from after the date (spamassassin)',
    received: `from locust.minder.net (locust.minder.net [66.92.53.74]) by hq.pro-ns.net (8.12.5/8.12.5) with ESMTP id g6MCkfhY009115
\t(version=TLSv1/SSLv3 cipher=EDH-DSS-DES-CBC3-SHA bits=168 verify=NO) for <cypherpunks@ds.pro-ns.net>;
\tMon, 22 Jul 2002 07:46:42 -0500 (CDT) (envelope-from cpunks@waste.minder.net)`,
    expect: {
      dialect: 'sendmail',
      tls: true,
      tlsVersion: 'TLSv1/SSLv3',
      tlsCipher: 'EDH-DSS-DES-CBC3-SHA',
      for: 'cypherpunks@ds.pro-ns.net',
      envelopeFrom: 'cpunks@waste.minder.net',
      timestamp: '2002-07-22T12:46:42.000Z',
    },
  },
  {
    name: 'sendmail "(authenticated bits=0)" (spamassassin)',
    received:
      'from leslie (ca-stmnca-cuda1-blade1a-115.stmnca.adelphia.net [68.65.192.115]) (authenticated bits=0) by tigerlily.noc.ucla.edu (8.12.3/8.12.3) with ESMTP id g7MHJxJA019627 for <forteana@yahoogroups.com>; Thu, 22 Aug 2002 10:19:59 -0700',
    expect: { authenticated: true, protocol: 'ESMTP', kind: 'relay' },
  },
  {
    name: 'sendmail local submission "(from user@localhost)" (spamassassin)',
    received: '(from jm@localhost) by dogma.slashnull.org (8.11.6/8.11.6) id g6AKHYJ02058; Wed, 10 Jul 2002 21:17:34 +0100',
    expect: { kind: 'local', dialect: 'sendmail', from: null, by: 'dogma.slashnull.org', parse: 'ok' },
  },
  // ---------------------------------------------------------------- Exim
  {
    name: 'exim "[ip] (port= helo=)", TLS words, envelope-from comment (phishing_pot)',
    received:
      'from [88.250.244.171] (port=54075 helo=goldcoastbudgetrenovations.com.au) by ded94233.smartservers.com.au with esmtpsa  (TLS1.2) tls TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (Exim 4.96) (envelope-from <backings@goldcoastbudgetrenovations.com.au>) id 1r1dYp-0001BQ-2a for phishing@pot; Sat, 11 Nov 2023 13:05:11 +1100',
    expect: {
      dialect: 'exim',
      from: { ip: '88.250.244.171', port: 54075, helo: 'goldcoastbudgetrenovations.com.au' },
      protocol: 'ESMTPSA',
      authenticated: true,
      tlsVersion: 'TLS1.2',
      tlsCipher: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
      envelopeFrom: 'backings@goldcoastbudgetrenovations.com.au',
      id: '1r1dYp-0001BQ-2a',
      for: 'phishing@pot',
      zoneOffsetMinutes: 660,
    },
  },
  {
    name: 'exim "rdns ([ip] helo=x)": the word is the reverse DNS (spamassassin/spam)',
    received:
      'from adsl-157-233-109.jax.bellsouth.net ([66.157.233.109] helo=regina) by homer.perfectpresence.com with smtp (Exim 3.36 #1) id 17nmf5-0004Ay-00; Sat, 07 Sep 2002 16:58:35 -0400',
    expect: { dialect: 'exim', from: { rdns: 'adsl-157-233-109.jax.bellsouth.net', helo: 'regina', ip: '66.157.233.109', rdnsLooked: true }, protocol: 'SMTP' },
  },
  {
    name: 'exim "[ip]:port helo=" over loopback is a local step (phishing_pot)',
    received:
      'from localhost ([127.0.0.1]:34236 helo=server.kenspensetc.com) by server.kenspensetc.com with esmtpsa (TLS1.2) tls TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (Exim 4.93) (envelope-from <sender@ridecals.com>) id 1knKVJ-0007TP-Oq; Thu, 10 Dec 2020 06:53:01 -0500',
    expect: { kind: 'local', from: { rdns: 'localhost', helo: 'server.kenspensetc.com', ip: '127.0.0.1', port: 34236, rdnsLooked: true } },
  },
  {
    name: 'exim "[ip] (port= helo=[literal])": the HELO literal is not the client address (phishing_pot/sample-1012, envelope-from anonymised)',
    received:
      'from [102.69.139.111] (port=52874 helo=[192.168.88.181]) by host4.ns.co.th with esmtpa (Exim 4.96) (envelope-from <anon@suksapan.or.th>) id 1qRBGp-0006S0-33; Wed, 02 Aug 2023 19:48:06 +0700',
    expect: { kind: 'relay', dialect: 'exim', from: { ip: '102.69.139.111', port: 52874, helo: '[192.168.88.181]' } },
  },
  {
    name: 'exim "helo=[127.0.0.1]" from a public client is a relay, not a local step (phishing_pot/sample-137, envelope-from anonymised)',
    received: `from [82.180.146.137] (port=53544 helo=[127.0.0.1])
\tby ecres231.servconfig.com with esmtpsa  (TLS1.2) tls TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
\t(Exim 4.95)
\t(envelope-from <anon@noble-school.net>)
\tid 1p02Ic-003fT1-5B;
\tTue, 29 Nov 2022 10:13:30 -0500`,
    expect: { kind: 'relay', from: { ip: '82.180.146.137', port: 53544, helo: '[127.0.0.1]' }, protocol: 'ESMTPSA', tlsVersion: 'TLS1.2' },
  },
  {
    name: 'exim local submission names the user (kernel-list)',
    received:
      'from dave by dread.disaster.area with local (Exim 4.96) (envelope-from <david@fromorbit.com>) id 1qfSUe-00DWBA-0u; Mon, 11 Sep 2023 08:01:24 +1000',
    expect: { kind: 'local', protocol: 'LOCAL', from: { ident: 'dave' }, envelopeFrom: 'david@fromorbit.com' },
  },
  // ---------------------------------------------------------------- qmail
  {
    name: 'qmail "(HELO x) (ip)" with unknown reverse DNS (spamassassin/spam)',
    received: 'from unknown (HELO maya.dyndns.org) (207.61.5.143) by smtp1.superb.net with SMTP; 2 Oct 2002 16:25:59 -0000',
    expect: { kind: 'relay', dialect: 'qmail', from: { helo: 'maya.dyndns.org', ip: '207.61.5.143', rdnsLooked: true }, protocol: 'SMTP' },
  },
  {
    name: 'qmail "invoked from network" (spamassassin)',
    received: '(qmail 6472 invoked from network); 22 Aug 2002 15:04:07 -0000',
    expect: { kind: 'local', dialect: 'qmail', parse: 'ok', from: null, timestamp: '2002-08-22T15:04:07.000Z' },
  },
  {
    name: 'qmail "invoked by uid" (spamassassin)',
    received: '(qmail 6850 invoked by uid 10602); 3 Sep 2002 12:41:26 -0000',
    expect: { kind: 'local', dialect: 'qmail', parse: 'ok' },
  },
  // ---------------------------------------------------------------- Exchange / Microsoft 365
  {
    name: 'Exchange Online frontend: "with Microsoft SMTP Server ... via Frontend Transport" (phishing_pot)',
    received:
      'from a8-23.smtp-out.amazonses.com (54.240.8.23) by AM7EUR03FT036.mail.protection.outlook.com (100.127.140.93) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.6813.20 via Frontend Transport; Thu, 21 Sep 2023 13:29:29 +0000',
    expect: {
      dialect: 'exchange',
      from: { helo: 'a8-23.smtp-out.amazonses.com', ip: '54.240.8.23' },
      by: 'AM7EUR03FT036.mail.protection.outlook.com',
      byIp: '100.127.140.93',
      with: 'Microsoft SMTP Server',
      protocol: 'ESMTPS',
      tlsVersion: 'TLS1_2',
      tlsCipher: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
      id: '15.20.6813.20',
      via: 'Frontend Transport',
    },
  },
  {
    name: 'Exchange 2010-2016 "with Microsoft SMTP Server (TLS)": TLS without version or cipher (kernel-list/00111)',
    received: `from dggeme762-chm.china.huawei.com (10.3.19.108) by
 DGGEMM403-HUB.china.huawei.com (10.3.20.211) with Microsoft SMTP Server (TLS)
 id 14.3.439.0; Wed, 11 Dec 2019 15:12:01 +0800`,
    expect: { dialect: 'exchange', protocol: 'ESMTPS', tls: true, tlsVersion: undefined, from: { helo: 'dggeme762-chm.china.huawei.com', ip: '10.3.19.108' }, byIp: '10.3.20.211', id: '14.3.439.0' },
  },
  {
    name: 'Exchange mapi with link-local IPv6 and a zone index (phishing_pot)',
    received:
      'from SA0PR04MB7370.namprd04.prod.outlook.com ([fe80::fc67:fd76:bf25:a3f7]) by SA0PR04MB7370.namprd04.prod.outlook.com ([fe80::fc67:fd76:bf25:a3f7%7]) with mapi id 15.20.6178.019; Thu, 9 Mar 2023 17:26:49 +0000',
    expect: { kind: 'local', protocol: 'MAPI', with: 'mapi', from: { helo: 'SA0PR04MB7370.namprd04.prod.outlook.com', ip: 'fe80::fc67:fd76:bf25:a3f7', rdnsLooked: true }, byIp: 'fe80::fc67:fd76:bf25:a3f7' },
  },
  {
    name: 'Exchange HTTPS hop over loopback IPv6 (phishing_pot)',
    received: 'from IA0PR19MB7242.namprd19.prod.outlook.com (::1) by MN0PR19MB6312.namprd19.prod.outlook.com with HTTPS; Fri, 25 Nov 2022 20:16:52 +0000',
    expect: { kind: 'local', protocol: 'HTTPS', tls: true, from: { helo: 'IA0PR19MB7242.namprd19.prod.outlook.com', ip: '::1' } },
  },
  {
    name: 'IIS SMTPSVC pickup (spamassassin)',
    received: 'from mail pickup service by insurance-mail.insuranceiq.com with Microsoft SMTPSVC; Thu, 6 Jun 2002 21:32:00 -0400',
    expect: { kind: 'local', dialect: 'exchange', from: null, parse: 'ok' },
  },
  // ---------------------------------------------------------------- Gmail
  {
    name: 'Gmail "with SMTPS id" and the root dot after the reverse DNS (phishing_pot)',
    received:
      'from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41]) by mx.google.com with SMTPS id d11-20020a67c10b000000b004436536adc4sor1811290vsj.14.2023.07.03.09.29.47 for <kyftdstrtdyuiouytreastuiytrseastdyfug@supernova12.click> (Google Transport Security); Mon, 03 Jul 2023 09:29:47 -0700 (PDT)',
    expect: { dialect: 'gmail', protocol: 'ESMTPS', tls: true, from: { helo: 'mail-sor-f41.google.com', rdns: 'mail-sor-f41.google.com', ip: '209.85.220.41', rdnsLooked: true }, for: 'kyftdstrtdyuiouytreastuiytrseastdyfug@supernova12.click' },
  },
  {
    name: 'Gmail with IPv6 client and TLS after the for clause (phishing_pot)',
    received:
      'from NAM12-BN8-obe.outbound.protection.outlook.com (mail-bn8nam12acsn20806.outbound.protection.outlook.com. [2a01:111:f400:fe5b::806]) by mx.google.com with ESMTPS id v11-20020a1709060b4b00b0094f712dac55si22123973ejg.734.2023.05.03.08.22.59 for <Phish.me.again@gmail.com> (version=TLS1_2 cipher=ECDHE-ECDSA-AES128-GCM-SHA256 bits=128/128); Wed, 03 May 2023 08:22:59 -0700 (PDT)',
    expect: { dialect: 'gmail', from: { helo: 'NAM12-BN8-obe.outbound.protection.outlook.com', rdns: 'mail-bn8nam12acsn20806.outbound.protection.outlook.com', ip: '2a01:111:f400:fe5b::806', rdnsLooked: true }, tlsVersion: 'TLS1_2', tlsCipher: 'ECDHE-ECDSA-AES128-GCM-SHA256' },
  },
  {
    name: 'Gmail internal hop: by is an IPv6 address (phishing_pot)',
    received: 'by 2002:a05:622a:4116:b0:3f3:8952:afa5 with SMTP id cc22-20020a05622a411600b003f38952afa5ls25644466qtb.4.-pod-prod-gmail; Wed, 17 May 2023 06:32:00 -0700 (PDT)',
    expect: { kind: 'local', dialect: 'gmail', by: '2002:a05:622a:4116:b0:3f3:8952:afa5', byIp: '2002:a05:622a:4116:b0:3f3:8952:afa5' },
  },
  {
    name: 'Gmail-style "?IPv6:...?" client (hand-written, the form the brief names)',
    received: 'from x.example (unknown ?IPv6:2A00:1450:4864:0020:0000:0000:0000:032F?) by mx.google.com with ESMTPS id Z; Mon, 1 Jan 2024 00:00:00 +0000',
    expect: { from: { helo: 'x.example', ip: '2a00:1450:4864:20::32f', rdnsLooked: true } },
  },
  // ---------------------------------------------------------------- Amazon SES, SendGrid, Yahoo
  {
    name: 'Amazon SES inbound (SpamScope sample)',
    received:
      'from a]b-123.smtp-out.us-east-1.amazonses.com (a]b-123.smtp-out.us-east-1.amazonses.com [54.240.0.1]) by inbound-smtp.us-east-1.amazonaws.com with SMTP id abc123def456 for user@example.com; Fri, 1 Mar 2024 12:00:00 +0000 (UTC)',
    // "]" cannot occur in a host name, so the reverse-DNS name is not taken from "(a]b-... [ip])"; the address is.
    expect: { dialect: 'ses', from: { helo: 'a]b-123.smtp-out.us-east-1.amazonses.com', ip: '54.240.0.1', rdnsLooked: true }, for: 'user@example.com', id: 'abc123def456' },
  },
  {
    name: 'Amazon SES client into Proofpoint, Sendmail-style TLS comment (phishing_pot)',
    received:
      'from a79-253.smtp-out.amazonses.com (a79-253.smtp-out.amazonses.com [54.240.79.253]) by mx07-00096706.pphosted.com (PPS) with ESMTPS id 3ntn7us9ex-1 (version=TLSv1.2 cipher=ECDHE-RSA-AES128-SHA256 bits=128 verify=NO) for <phish@pot>; Sun, 19 Feb 2023 21:25:25 +0000',
    expect: { from: { helo: 'a79-253.smtp-out.amazonses.com', rdns: 'a79-253.smtp-out.amazonses.com', ip: '54.240.79.253', rdnsLooked: true }, tlsVersion: 'TLSv1.2', tlsCipher: 'ECDHE-RSA-AES128-SHA256', for: 'phish@pot' },
  },
  {
    name: 'SendGrid Go date with m=+ and no ";" (phishing_pot)',
    received: 'by filterdrecv-5658d4dd7-dn7b6 with SMTP id filterdrecv-5658d4dd7-dn7b6-1-652BB213-37 2023-10-15 09:34:11.737383461 +0000 UTC m=+393048.346080050',
    expect: { dialect: 'sendgrid', kind: 'local', parse: 'ok', id: 'filterdrecv-5658d4dd7-dn7b6-1-652BB213-37', timestamp: '2023-10-15T09:34:11.737Z' },
  },
  {
    name: 'SendGrid "(SG)" HTTP submission with a date but no ";" (phishing_pot)',
    received: 'from MTQwNDMxMDk (unknown) by geopod-ismtpd-16 (SG) with HTTP id VV04DMpGRPOoJ3UAgRlDaw Tue, 03 Oct 2023 23:47:28.650 +0000 (UTC)',
    expect: { dialect: 'sendgrid', protocol: 'HTTP', id: 'VV04DMpGRPOoJ3UAgRlDaw', timestamp: '2023-10-03T23:47:28.650Z' },
  },
  {
    name: 'Yahoo webmail "via HTTP" (spamassassin)',
    received: 'from [194.237.142.5] by web13705.mail.yahoo.com via HTTP; Tue, 27 Aug 2002 12:31:52 PDT',
    expect: { dialect: 'yahoo', protocol: 'HTTP', via: 'HTTP', from: { helo: '[194.237.142.5]', ip: '194.237.142.5' }, zoneOffsetMinutes: -420 },
  },
  {
    name: 'Yahoo sonic gateway (phishing_pot)',
    received: 'from sonic.gate.mail.ne1.yahoo.com by sonic307.consmr.mail.ne1.yahoo.com with HTTP; Tue, 17 Mar 2020 12:07:27 +0000',
    expect: { dialect: 'yahoo', kind: 'relay', from: { helo: 'sonic.gate.mail.ne1.yahoo.com' } },
  },
  // ---------------------------------------------------------------- fetchmail
  {
    name: 'fetchmail IMAP retrieval from a remote mailbox is a local step (spamassassin/hard-ham-1/00212, recipient anonymised)',
    received: `from fastmail.fm [209.61.183.86]
	by localhost with IMAP (fetchmail-5.9.0)
	for user@localhost (single-drop); Sun, 15 Sep 2002 00:00:52 -0400 (EDT)`,
    expect: { kind: 'local', protocol: 'IMAP', from: { helo: 'fastmail.fm', ip: '209.61.183.86' }, by: 'localhost', for: 'user@localhost' },
  },
  // ---------------------------------------------------------------- amavis, LMTP, Dovecot, ZMailer, IronPort
  {
    name: 'amavisd-new re-injection over loopback (phishing_pot)',
    received:
      'from imp.edu.mx ([127.0.0.1]) by localhost (imp.edu.mx [127.0.0.1]) (amavisd-new, port 10032) with ESMTP id g8Z9LHnOfPYI; Wed, 19 Feb 2020 03:10:21 -0600 (CST)',
    expect: { kind: 'local', dialect: 'amavis', by: 'localhost', byIp: '127.0.0.1' },
  },
  {
    name: 'LMTP delivery with envelope-from (phishing_pot)',
    received:
      'from director-prod-uolhost-0 ([10.81.8.101]) by backend-m5ad-prod-uolhost-15 with LMTP id QBiBA5a3WmSfPQAAhT+Htg (envelope-from <novaespaulo@sinopecpetro.com>) for <anne.compras+Quarentena@brasmedica.dominiotemporario.com>; Tue, 09 May 2023 21:13:58 +0000',
    expect: { dialect: 'lmtp', protocol: 'LMTP', envelopeFrom: 'novaespaulo@sinopecpetro.com', for: 'anne.compras+Quarentena@brasmedica.dominiotemporario.com' },
  },
  {
    name: 'Dovecot submission relay (kernel-list)',
    received:
      'from dovecot-director2.suse.de ([192.168.254.65]) by imap2.suse-dmz.suse.de with ESMTPSA id 5Kd7DOVM02RCbwAAMHmgww (envelope-from <jack@suse.cz>); Wed, 09 Aug 2023 08:23:01 +0000',
    expect: { dialect: 'lmtp', authenticated: true, envelopeFrom: 'jack@suse.cz', from: { helo: 'dovecot-director2.suse.de', ip: '192.168.254.65', rdnsLooked: true } },
  },
  {
    name: 'ZMailer at vger.kernel.org: quoted EHLO (kernel-list)',
    received:
      'from szxga07-in.huawei.com ([45.249.212.35]:41652 "EHLO huawei.com" rhost-flags-OK-OK-OK-FAIL) by vger.kernel.org with ESMTP id S1726063AbfE0NTD (ORCPT <rfc822;ecryptfs@vger.kernel.org>); Mon, 27 May 2019 09:19:03 -0400',
    expect: { dialect: 'zmailer', from: { rdns: 'szxga07-in.huawei.com', helo: 'huawei.com', ip: '45.249.212.35', port: 41652, rdnsLooked: true } },
  },
  {
    name: 'Mimecast "(Using TLS)" after the client (kernel-list/00226)',
    received: `from mimecast-mx01.redhat.com (mimecast-mx01.redhat.com
 [209.132.183.4]) (Using TLS) by relay.mimecast.com with ESMTP id
 us-mta-513-n3G_ZfGUONug8wkjJytxqA-1; Mon, 15 Jun 2020 14:40:12 -0400`,
    expect: { tls: true, protocol: 'ESMTP', from: { helo: 'mimecast-mx01.redhat.com', rdns: 'mimecast-mx01.redhat.com', ip: '209.132.183.4', rdnsLooked: true }, by: 'relay.mimecast.com', id: 'us-mta-513-n3G_ZfGUONug8wkjJytxqA-1' },
  },
  {
    name: 'IronPort "with ESMTP/TLS/<cipher>" (kernel-list)',
    received: 'from orsmga003.jf.intel.com ([10.7.209.27]) by orsmga103.jf.intel.com with ESMTP/TLS/ECDHE-RSA-AES256-GCM-SHA384; 09 Oct 2020 12:52:14 -0700',
    expect: { protocol: 'ESMTPS', tls: true, tlsCipher: 'ECDHE-RSA-AES256-GCM-SHA384' },
  },
  // ---------------------------------------------------------------- IBM Domino and its gateway
  {
    name: 'IBM "for <rcpt> from <sender>": the second from is the envelope sender (SpamScope tests/mails/mail_test_10)',
    received: `from localhost
	by smtp.notes.na.collabserv.com with smtp.notes.na.collabserv.com ESMTP
	for <lina.vailati@dududu.it> from <nicoletta_bernasconi@it.ibm.com>;
	Wed, 8 Mar 2017 16:46:15 -0000`,
    expect: { parse: 'ok', from: { helo: 'localhost' }, for: 'lina.vailati@dududu.it', envelopeFrom: 'nicoletta_bernasconi@it.ibm.com', protocol: 'ESMTP' },
  },
  {
    name: 'IBM gateway: a ";" inside the with text and the TLS comment before the date (SpamScope tests/mails/mail_test_10)',
    received: `from smtp.notes.na.collabserv.com (192.155.248.67)
	by d50lp03.ny.us.ibm.com (158.87.18.22) with IBM ESMTP SMTP Gateway: Authorized Use Only! Violators will be prosecuted;
	(version=TLSv1/SSLv3 cipher=AES128-GCM-SHA256 bits=128/128)
	Wed, 8 Mar 2017 11:46:17 -0500`,
    expect: { parse: 'ok', from: { helo: 'smtp.notes.na.collabserv.com', ip: '192.155.248.67' }, byIp: '158.87.18.22', tlsVersion: 'TLSv1/SSLv3', tlsCipher: 'AES128-GCM-SHA256', timestamp: '2017-03-08T16:46:17.000Z' },
  },
  {
    name: 'a by host with a port, an HTTP client with a port (phishing_pot/sample-1288, t-online webmail)',
    received: 'from 217.160.10.139:13012 by cmpweb26.aul.t-online.de with HTTP/1.1 (Lisa V7-5-5-0.0 on API V5-51-3-2); Thu, 07 Sep 23 14:07:33 +0200',
    expect: { kind: 'relay', from: { helo: '217.160.10.139:13012', ip: '217.160.10.139', port: 13012 }, by: 'cmpweb26.aul.t-online.de', with: 'HTTP/1.1', protocol: 'HTTP', timestamp: '2023-09-07T12:07:33.000Z' },
  },
  // ---------------------------------------------------------------- SMTPRS
  {
    name: 'EMWAC SMTPRS "(unverified [ip])": "unverified" is no reverse-DNS name (spamassassin/spam-1/00139)',
    received: `from mxs.mail.ru (unverified [200.35.86.229]) by server2.luciano.co.kr
 (EMWAC SMTPRS 0.83) with SMTP id <B0000326345@server2.luciano.co.kr>;
 Mon, 05 Aug 2002 22:53:28 +0900`,
    expect: { kind: 'relay', from: { helo: 'mxs.mail.ru', ip: '200.35.86.229', rdnsLooked: true }, by: 'server2.luciano.co.kr', protocol: 'SMTP', timestamp: '2002-08-05T13:53:28.000Z' },
  },
  // ---------------------------------------------------------------- broken and hostile (hand-written unless named)
  {
    name: '"([])": an empty address literal (spamassassin/spam, Merak)',
    received: 'from ([]) by mail4.localdns.com (Merak 4.4.1) with SMTP id FGB37006; Sun, 28 Jul 2002 17:51:34 +0800',
    expect: { kind: 'relay', parse: 'partial', from: null, by: 'mail4.localdns.com', id: 'FGB37006' },
  },
  {
    name: '"with;ESMTP": a stray ";" splits the keyword from its value',
    received: 'from x.example (x.example [198.51.100.1]) by mx.example.org with;ESMTP id Z; Mon, 1 Jan 2024 00:00:00 +0000',
    expect: { protocol: 'ESMTP', id: 'Z', parse: 'partial', timestamp: '2024-01-01T00:00:00.000Z', notes: ["stray ';' inside the clauses"] },
  },
  {
    name: 'keywords inside a comment open no clause',
    received: 'from a.example (a.example [192.0.2.1]) (comment by evil.example with ESMTPSA id forged for <x@y>) by mx.example.org with ESMTP; Mon, 1 Jan 2024 00:00:00 +0000',
    expect: { by: 'mx.example.org', protocol: 'ESMTP', authenticated: false, id: undefined, for: undefined },
  },
  {
    name: 'a by clause that is an address literal',
    received: 'from a.example (a.example [198.51.100.7]) by [203.0.113.5] with ESMTP; Mon, 1 Jan 2024 00:00:00 +0000',
    expect: { by: '203.0.113.5', byIp: '203.0.113.5' },
  },
  {
    name: 'IPv6 literal with "IPv6:" prefix, upper case, uncompressed',
    received: 'from e.example (mail.e.example [IPv6:2001:DB8:0:0:0:0:0:1]) by mx.example.org (Postfix) with ESMTP id ABC; Mon, 1 Jan 2024 00:00:00 +0000',
    expect: { from: { helo: 'e.example', rdns: 'mail.e.example', ip: '2001:db8::1', rdnsLooked: true } },
  },
  {
    name: 'unbalanced parenthesis (spamassassin/easy-ham-1)',
    received:
      'from localhost (jrennie@tiikeri [128.52.37.76]) by life.ai.mit.edu (8.12.2/8.12.2/BASENAME(ai.master.life-8.12.2.mc, .mc):RCS_REVISION(evision: 1.23 ) with ESMTP id g99GvDmX025433; Wed, 9 Oct 2002 12:57:14 -0400 (EDT)',
    expect: { kind: 'relay', parse: 'partial', from: { helo: 'localhost', rdns: 'tiikeri', ident: 'jrennie', ip: '128.52.37.76', rdnsLooked: true }, by: 'life.ai.mit.edu' },
  },
  {
    name: 'not a Received line at all (phishing_pot/sample-596)',
    received: 'Carol Hester',
    expect: { kind: 'unparseable', parse: 'unparseable', dialect: 'unknown' },
  },
  {
    name: 'a date and nothing else (spamassassin/spam-2)',
    received: 'Tue, 6 Aug 2002 18:39:26 +0800',
    expect: { kind: 'unparseable', timestamp: '2002-08-06T10:39:26.000Z' },
  },
  {
    name: 'an impossible date is kept as text, never "now"',
    received: 'from a.example (a.example [198.51.100.7]) by mx.example.org with ESMTP; Mon, 32 Foo 2024 99:99:99 +0000',
    expect: { timestamp: undefined, dateRaw: 'Mon, 32 Foo 2024 99:99:99 +0000', parse: 'partial' },
  },
];

for (const row of ROWS) test(`dialect table: ${row.name}`, () => check(row));

test('hostile sizes: a 1 MB Received value and 10,000 nested parentheses parse quickly and never throw', () => {
  const huge = 'from ' + 'a'.repeat(1_000_000) + ' by b; Mon, 1 Jan 2024 00:00:00 +0000';
  const nested = 'from x ' + '('.repeat(10_000) + ' by y; Mon, 1 Jan 2024 00:00:00 +0000';
  const keywords = 'from a '.repeat(50_000) + '; Mon, 1 Jan 2024 00:00:00 +0000';
  for (const value of [huge, nested, keywords]) {
    const hop = hopOf(value);
    assert.ok(hop.parse !== 'ok', 'cut or damaged lines are never "ok"');
    assert.ok(hop.notes && hop.notes.length > 0);
  }
});
