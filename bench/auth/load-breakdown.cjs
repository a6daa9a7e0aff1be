// Where the load time of mailauth's parts goes: each step's require time, in order (later steps reuse the
// modules earlier ones loaded). Run: env -u NODE_EXTRA_CA_CERTS node bench/auth/load-breakdown.cjs
const steps = ['joi', 'tldts', 'libmime', 'punycode.js', 'ipaddr.js', 'nodemailer/lib/addressparser', 'mailauth/lib/tools', 'mailauth/lib/dkim/verify', 'mailauth/lib/spf', 'mailauth/lib/dmarc', 'mailauth/lib/arc'];
const rows = [];
const t0 = process.hrtime.bigint();
for (const s of steps) {
  const t = process.hrtime.bigint();
  require(s);
  rows.push([s, Number(process.hrtime.bigint() - t) / 1e6]);
}
rows.push(['total', Number(process.hrtime.bigint() - t0) / 1e6]);
for (const [s, ms] of rows) console.log(`${s.padEnd(32)} ${ms.toFixed(1)} ms`);
