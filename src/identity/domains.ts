// Bundled domain lists: free-mail providers, the brands phishers impersonate most, and the ESPs and list hosts
// whose bounce domains legitimately differ from the author's. Organisational domains, lower case.
// Sources: the brands most often named in phishing reports (APWG / vendor brand-phishing rankings 2022-2025);
// the free-mail list is the providers anyone can sign up to in a minute.

/** Anyone can get an address here: a Reply-To on one of these, under a company's From, is the advance-fee / BEC pattern. */
export const FREEMAIL = new Set([
  'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.de', 'yahoo.co.jp', 'yahoo.com.br', 'ymail.com',
  'rocketmail.com', 'outlook.com', 'hotmail.com', 'hotmail.co.uk', 'hotmail.fr', 'live.com', 'msn.com', 'aol.com', 'icloud.com',
  'me.com', 'mac.com', 'mail.com', 'gmx.com', 'gmx.net', 'gmx.de', 'web.de', 'mail.ru', 'inbox.ru', 'list.ru', 'bk.ru',
  'yandex.ru', 'yandex.com', 'ya.ru', 'protonmail.com', 'proton.me', 'pm.me', 'tutanota.com', 'zoho.com', 'zohomail.com',
  'qq.com', '163.com', '126.com', 'sina.com', 'naver.com', 'daum.net', 'rediffmail.com', 'libero.it', 'laposte.net',
  'orange.fr', 'wanadoo.fr', 'free.fr', 't-online.de', 'seznam.cz', 'wp.pl', 'o2.pl', 'interia.pl', 'usa.com', 'email.com',
  'hushmail.com', 'fastmail.com', 'lycos.com', 'excite.com', 'juno.com', 'netzero.net', 'earthlink.net', 'comcast.net',
]);

/**
 * Brand -> the organisational domains it really sends from. The key is the word a display name or a lookalike
 * domain would use. A brand is matched as a whole word, never as a substring.
 */
export const BRANDS: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ['microsoft', ['microsoft.com', 'office.com', 'office365.com', 'outlook.com', 'live.com', 'hotmail.com', 'microsoftonline.com', 'sharepoint.com', 'onmicrosoft.com', 'msn.com', 'skype.com', 'xbox.com', 'azure.com', 'microsoftstore.com']],
  ['office365', ['microsoft.com', 'office.com', 'office365.com', 'microsoftonline.com', 'onmicrosoft.com']],
  ['outlook', ['microsoft.com', 'outlook.com', 'office.com', 'office365.com', 'live.com', 'hotmail.com']],
  ['onedrive', ['microsoft.com', 'onedrive.com', 'live.com', 'office.com']],
  ['sharepoint', ['microsoft.com', 'sharepoint.com', 'office.com', 'onmicrosoft.com']],
  ['paypal', ['paypal.com', 'paypal.me', 'paypal-communication.com', 'paypal.de', 'paypal.co.uk', 'paypal.fr', 'paypal.it', 'paypal.es', 'paypal.com.au', 'xoom.com']],
  ['apple', ['apple.com', 'icloud.com', 'me.com', 'mac.com', 'itunes.com', 'insideapple.apple.com']],
  ['icloud', ['apple.com', 'icloud.com', 'me.com', 'mac.com']],
  ['itunes', ['apple.com', 'itunes.com']],
  ['amazon', ['amazon.com', 'amazon.co.uk', 'amazon.de', 'amazon.fr', 'amazon.it', 'amazon.es', 'amazon.ca', 'amazon.co.jp', 'amazon.in', 'amazon.com.au', 'amazon.com.br', 'amazon.nl', 'amazonses.com', 'amazonaws.com', 'a2z.com', 'amazon.jobs', 'primevideo.com']],
  ['google', ['google.com', 'gmail.com', 'googlemail.com', 'youtube.com', 'googlegroups.com', 'google.co.uk', 'withgoogle.com', 'android.com']],
  ['gmail', ['google.com', 'gmail.com', 'googlemail.com']],
  ['facebook', ['facebook.com', 'facebookmail.com', 'fb.com', 'meta.com', 'metamail.com']],
  ['instagram', ['instagram.com', 'facebookmail.com', 'mail.instagram.com', 'meta.com']],
  ['whatsapp', ['whatsapp.com', 'facebookmail.com', 'meta.com']],
  ['linkedin', ['linkedin.com', 'e.linkedin.com']],
  ['netflix', ['netflix.com', 'mailer.netflix.com']],
  ['dhl', ['dhl.com', 'dhl.de', 'dhl.co.uk', 'dhl-news.com', 'dpdhl.com', 'dhl.fr', 'dhl.nl']],
  ['fedex', ['fedex.com']],
  ['ups', ['ups.com']],
  ['usps', ['usps.com', 'usps.gov']],
  ['docusign', ['docusign.com', 'docusign.net']],
  ['dropbox', ['dropbox.com', 'dropboxmail.com']],
  ['adobe', ['adobe.com', 'adobesign.com', 'echosign.com']],
  ['wellsfargo', ['wellsfargo.com', 'wf.com']],
  ['chase', ['chase.com', 'jpmorgan.com', 'jpmchase.com']],
  ['citibank', ['citi.com', 'citibank.com']],
  ['hsbc', ['hsbc.com', 'hsbc.co.uk']],
  ['barclays', ['barclays.com', 'barclays.co.uk']],
  ['coinbase', ['coinbase.com']],
  ['binance', ['binance.com']],
  ['metamask', ['metamask.io', 'consensys.net']],
  ['ebay', ['ebay.com', 'ebay.co.uk', 'ebay.de', 'ebay.fr', 'ebay.it', 'ebay.com.au', 'ebay.ca', 'reply.ebay.com']],
  ['walmart', ['walmart.com']],
  ['spotify', ['spotify.com']],
  ['steam', ['steampowered.com', 'steamcommunity.com', 'valvesoftware.com']],
  ['yahoo', ['yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.de', 'yahoo.co.jp', 'yahoogroups.com', 'yahoo-inc.com', 'ymail.com', 'yahoo.net']],
  ['aol', ['aol.com', 'aol.net', 'aim.com']],
  ['norton', ['norton.com', 'nortonlifelock.com', 'symantec.com']],
  ['mcafee', ['mcafee.com']],
  ['zoom', ['zoom.us', 'zoom.com']],
  ['wetransfer', ['wetransfer.com']],
  ['irs', ['irs.gov']],
  ['americanexpress', ['americanexpress.com', 'aexp.com']],
  ['amex', ['americanexpress.com', 'aexp.com']],
  ['booking', ['booking.com']],
  ['airbnb', ['airbnb.com']],
  ['twitter', ['twitter.com', 'x.com']],
  ['tiktok', ['tiktok.com']],
  ['telegram', ['telegram.org']],
  ['github', ['github.com', 'githubapp.com']],
  ['stripe', ['stripe.com']],
  ['intuit', ['intuit.com', 'quickbooks.com', 'turbotax.com']],
  ['verizon', ['verizon.com', 'verizonwireless.com', 'verizon.net']],
  ['comcast', ['comcast.com', 'comcast.net', 'xfinity.com']],
  ['xfinity', ['comcast.com', 'comcast.net', 'xfinity.com']],
  ['att', ['att.com', 'att.net']],
  // Banks, carriers, shops and wallets that dominate non-English phishing (Brazil, Germany, Spain, crypto).
  ['bradesco', ['bradesco.com.br', 'bradescoseguros.com.br', 'livelo.com.br']],
  ['itau', ['itau.com.br', 'itau-unibanco.com.br']],
  ['nubank', ['nubank.com.br', 'nu.com.mx']],
  ['santander', ['santander.com', 'santander.com.br', 'santander.co.uk', 'santander.es', 'santander.de', 'santander.pt']],
  ['caixa', ['caixa.gov.br', 'caixabank.es', 'caixabank.com']],
  ['mercadolibre', ['mercadolibre.com', 'mercadolivre.com.br', 'mercadopago.com']],
  ['sparkasse', ['sparkasse.de', 's-finanzgruppe.de']],
  ['postbank', ['postbank.de', 'db.com']],
  ['correos', ['correos.es', 'correos.com']],
  ['royalmail', ['royalmail.com', 'royalmail.co.uk']],
  ['dpd', ['dpd.com', 'dpd.de', 'dpd.co.uk', 'dpd.fr']],
  ['telekom', ['telekom.de', 't-online.de', 'telekom.com']],
  ['vodafone', ['vodafone.com', 'vodafone.de', 'vodafone.co.uk', 'vodafone.es', 'vodafone.it']],
  ['temu', ['temu.com']],
  ['shein', ['shein.com', 'sheinemail.com']],
  ['ledger', ['ledger.com']],
  ['trezor', ['trezor.io', 'satoshilabs.com']],
  ['opensea', ['opensea.io']],
  ['uniswap', ['uniswap.org']],
  ['kraken', ['kraken.com']],
  ['ripple', ['ripple.com', 'xrpl.org']],
  ['starbucks', ['starbucks.com']],
  ['costco', ['costco.com']],
  ['decathlon', ['decathlon.com', 'decathlon.de', 'decathlon.fr', 'decathlon.es', 'decathlon.co.uk']],
]);

/** Each brand's place in BRANDS: where a name or domain holds two brands, the earlier one is reported. */
export const BRAND_ORDER: ReadonlyMap<string, number> = new Map([...BRANDS.keys()].map((brand, i) => [brand, i]));

/** Brand names that are also ordinary words in a display name: matched only as the whole name or "<brand> <team word>". */
export const AMBIGUOUS_BRAND_WORDS = new Set(['apple', 'chase', 'steam', 'zoom', 'booking', 'amazon', 'ups', 'att', 'outlook', 'google', 'irs', 'stripe', 'telegram', 'ledger', 'kraken', 'ripple', 'caixa', 'dpd']);

/**
 * ESPs and list hosts: a Return-Path on these under someone else's From is how bulk mail and lists work
 * (VERP bounce addresses), not a forgery by itself.
 */
export const BOUNCE_HOSTS = new Set([
  'amazonses.com', 'sendgrid.net', 'mailgun.org', 'mailgun.net', 'mcsv.net', 'mcdlv.net', 'mailchimp.com', 'mandrillapp.com',
  'rsgsv.net', 'sparkpostmail.com', 'mktomail.com', 'exacttarget.com', 'sfmc-content.com', 'cmail19.com', 'cmail20.com',
  'createsend.com', 'postmarkapp.com', 'mtasv.net', 'google.com', 'constantcontact.com', 'rsys1.com',
  'rsys2.com', 'rsys3.com', 'rsys5.com', 'responsys.net', 'bfi0.com', 'emarsys.net', 'sendinblue.com', 'brevo.com',
  'mailjet.com', 'hubspotemail.net', 'hubspot.com', 'zendesk.com', 'freshdesk.com', 'salesforce.com', 'sendibt3.com',
  'messagebus.com', 'elasticemail.com', 'smtp2go.com', 'mailersend.net', 'klaviyomail.com', 'yahoogroups.com',
  'googlegroups.com', 'groups.io', 'lists.sourceforge.net', 'sourceforge.net', 'freelists.org', 'listserv.net', 'egroups.com',
  'topica.com', 'lyris.net', 'bluehornet.com', 'ccsend.com', 'msgfocus.com', 'returnpath.net', 'e2ma.net', 'icpbounce.com',
]);
