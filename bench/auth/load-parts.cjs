// Loads the four mailauth parts mailtrace uses, by deep path (what src/auth/mailauth.ts imports).
require('mailauth/lib/dkim/verify');
require('mailauth/lib/spf');
require('mailauth/lib/dmarc');
require('mailauth/lib/arc');
require('mailauth/lib/tools');
