import type { Dialect } from './types.js';

// ZMailer as vger.kernel.org runs it: the from word is the reverse DNS name, the HELO is quoted in the comment with
// the address, port and the result of its reverse/forward checks.
//   Received: from szxga07-in.huawei.com ([45.249.212.35]:41652 "EHLO huawei.com" rhost-flags-OK-OK-OK-FAIL)
//     by vger.kernel.org with ESMTP id S1726063AbfE0NTD (ORCPT <rfc822;ecryptfs@vger.kernel.org>); Mon, 27 May 2019 09:19:03 -0400
//   Received: (majordomo@vger.kernel.org) by vger.kernel.org via listexpand id S1725928AbfKHASX (ORCPT <rfc822;lists+ecryptfs@lfdr.de>); ...
export const zmailer: Dialect = {
  name: 'zmailer',
  matches: (i) => (i.from?.comments.some((c) => /\brhost-flags-|"(?:HELO|EHLO) /i.test(c)) ?? false) || /^\S+@\S+$/.test(i.split.lead.comments[0] ?? '') && /listexpand/i.test(i.split.clauses.get('via')?.words[0] ?? ''),
  fromWordIs: 'rdns',
};
