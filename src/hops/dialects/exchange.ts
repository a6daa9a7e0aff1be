import type { Dialect } from './types.js';

// Microsoft Exchange and Exchange Online: "from <helo> (<ip>) by <host> (<ip>) with Microsoft SMTP Server (...)".
//   Received: from vmta6.response.nfcu.org (199.204.166.217) by BN3NAM04FT003.mail.protection.outlook.com (10.152.92.112)
//     with Microsoft SMTP Server id 15.20.696.11 via Frontend Transport; Sat, 21 Apr 2018 03:01:32 +0000
//   Received: from BN3NAM04FT003.eop-NAM04.prod.protection.outlook.com (10.152.92.53) by BN3NAM04HT205.eop-NAM04.prod.protection.outlook.com
//     (10.152.93.134) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384) id 15.20.696.11; ...
//   Received: from BN3NAM04HT205.eop-NAM04.prod.protection.outlook.com (2a01:111:e400:c418::34) by SN1PR16MB0494.namprd16.prod.outlook.com
//     with HTTPS via SN1PR15CA0024.NAMPRD15.PROD.OUTLOOK.COM; Sat, 21 Apr 2018 03:01:33 +0000
//   Received: from SA0PR04MB7370.namprd04.prod.outlook.com ([fe80::fc67:fd76:bf25:a3f7]) by SA0PR04MB7370.namprd04.prod.outlook.com
//     ([fe80::fc67:fd76:bf25:a3f7%7]) with mapi id 15.20.6178.019; Thu, 9 Mar 2023 17:26:49 +0000
// The older IIS SMTP service: "Received: from mail pickup service by insurance-mail.insuranceiq.com with Microsoft SMTPSVC; ..."
export const exchange: Dialect = {
  name: 'exchange',
  matches: (i) =>
    /^Microsoft\b|^mapi$|SMTPSVC/i.test(i.withText) ||
    /Frontend Transport/i.test(i.split.clauses.get('via')?.words.join(' ') ?? '') ||
    /\.(?:prod\.)?outlook\.com$|\.protection\.outlook\.com$|\.outlook\.office365\.com$/i.test(i.byHost),
  fromWordIs: 'helo',
};
