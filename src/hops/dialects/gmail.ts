import type { Dialect } from './types.js';

// Gmail: the reverse DNS name ends in a dot, TLS follows the for clause, internal hops are "by <IPv6> with SMTP id".
//   Received: from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41]) by mx.google.com with SMTPS id
//     d11-20020a67c10b000000b004436536adc4sor1811290vsj.14.2023.07.03.09.29.47 for <x@supernova12.click> (Google Transport Security);
//     Mon, 03 Jul 2023 09:29:47 -0700 (PDT)
//   Received: from NAM12-BN8-obe.outbound.protection.outlook.com (mail-bn8nam12acsn20806.outbound.protection.outlook.com. [2a01:111:f400:fe5b::806])
//     by mx.google.com with ESMTPS id v11-...ejc.734.2023.05.03.08.22.59 for <Phish.me.again@gmail.com>
//     (version=TLS1_2 cipher=ECDHE-ECDSA-AES128-GCM-SHA256 bits=128/128); Wed, 03 May 2023 08:22:59 -0700 (PDT)
//   Received: by 2002:a05:622a:4116:b0:3f3:8952:afa5 with SMTP id cc22-...; Wed, 17 May 2023 06:32:00 -0700 (PDT)
// Gmail also writes an IPv6 client without brackets between question marks, "(unknown ?IPv6:2a00:1450::1?)" in some paths.
export const gmail: Dialect = {
  name: 'gmail',
  matches: (i) =>
    /(?:^|\.)(?:google\.com|gmail\.com|googlemail\.com)$/i.test(i.byHost) ||
    (/^2002:/i.test(i.byHost) && /^(?:E?SMTPS?A?|HTTPS?)$/i.test(i.withText)) ||
    i.comments.some((c) => /^Google Transport Security$|^version=TLS1_\d cipher=\S+ bits=/.test(c)),
  fromWordIs: 'helo',
};
