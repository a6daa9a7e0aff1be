// The built CLI as a process, on one impersonation case: exit code, finding, verdict drivers, --explain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';

const FIXTURE = 'test/identity/fixtures/display-name-impersonation/message.eml';

test('CLI: a display name holding another organisation\'s address is forged (exit 2), explained with --explain', () => {
  const r = runCli(['--offline', '--explain', FIXTURE]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stdout, /display name shows the address security@paypal\.com, but the mail is from alert@account-review\.example/);
  assert.match(r.stdout, /Replies go to a free-mail account/);
  assert.match(r.stdout, /Most mail clients show only the display name/, 'the --explain text is printed');
  assert.match(r.stdout, /Verdict: FORGED/);
});

test('CLI --json: the verdict drivers name the deciding finding', () => {
  const r = runCli(['--offline', '--json', FIXTURE]);
  const report = JSON.parse(r.stdout);
  assert.equal(report.verdict, 'forged');
  assert.deepEqual(report.verdictDrivers, ['identity.display-name-impersonation']);
  assert.equal(report.identity.envelope.mailFrom, 'alert@account-review.example');
  assert.deepEqual(report.identity.envelope.rcptTo, ['bob@victim.example']);
});
