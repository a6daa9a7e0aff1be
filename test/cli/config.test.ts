// The site config's default location as a process sees it: a user who may not read it (a filter run as nobody with
// HOME=/root) goes on without it and is told once; an explicit --config, or a default file that is read, must be good.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliForNobody } from '../helpers/as-nobody.js';
import { runCli, ROOT } from '../helpers/cli.js';
import { scratchDir } from '../helpers/scratch.js';

const SAMPLE = join(ROOT, 'fixtures/sample/message.eml');
const asRoot = process.getuid?.() === 0;
// root reads any file: the runs go through setpriv as nobody then (the CLI copied where nobody can read it, if need be).
const cli = asRoot ? cliForNobody() : { node: process.execPath, bin: join(ROOT, 'bin/mailtrace.cjs'), cleanup: () => {} };
process.once('exit', () => cli.cleanup());

/** A home whose config folder its user may not enter (mode 000); `restore` makes it removable again. */
function lockedHome(): { home: string; configFile: string; restore: () => void } {
  const home = scratchDir('config-home');
  chmodSync(home, 0o755);
  const folder = join(home, '.config', 'mailtrace');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'config.json'), '{}');
  chmodSync(folder, 0o000);
  return { home, configFile: join(folder, 'config.json'), restore: () => chmodSync(folder, 0o755) };
}

function runAsUser(args: string[], home: string, input?: Buffer) {
  const command = asRoot ? 'setpriv' : cli.node;
  const prefix = asRoot ? ['--reuid=65534', '--regid=65534', '--clear-groups', cli.node] : [];
  const r = spawnSync(command, [...prefix, cli.bin, ...args], {
    input: input ?? '',
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: '', NO_COLOR: '1' },
    cwd: '/',
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('a default config the user may not read is no config: analysis goes on, one warning naming the file and why', (t) => {
  const { home, configFile, restore } = lockedHome();
  t.after(restore);
  const warning = `${configFile}: cannot read config (EACCES): going on without it`;
  // The message where that user can read it: a clone may sit in a folder only its owner can enter.
  const message = join(home, 'message.eml');
  writeFileSync(message, readFileSync(SAMPLE), { mode: 0o644 });

  const filtered = runAsUser(['filter', '--offline'], home, readFileSync(SAMPLE));
  assert.equal(filtered.code, 0, filtered.stderr);
  assert.doesNotMatch(filtered.stdout, /X-Mailtrace-Error/);
  assert.match(filtered.stdout, /^X-Mailtrace-Verdict: /m);
  assert.equal(filtered.stderr, `mailtrace filter: ${warning}\n`);

  const analysed = runAsUser(['--offline', '--json', message], home);
  assert.ok([0, 1, 2].includes(analysed.code!), analysed.stderr);
  assert.equal(JSON.parse(analysed.stdout).schemaVersion, 1);
  assert.equal(analysed.stderr, `mailtrace: ${warning}\n`);

  const scanned = runAsUser(['scan', '--offline', '-q', message], home);
  assert.equal(scanned.code, 0, scanned.stderr);
  assert.equal(scanned.stdout.trim().split('\n').length, 1);
  assert.equal(scanned.stderr, `mailtrace: ${warning}\n`, 'warned once, though the scan reads the config for its settings and its DNS');

  const explicit = runAsUser(['--offline', '--config', configFile, message], home);
  assert.equal(explicit.code, 64, 'a config asked for by name must be read');
  assert.equal(explicit.stderr, `mailtrace: ${configFile}: cannot read config (EACCES)\n`);
});

test('a default config that is read must be valid: a broken one still stops the run', () => {
  const home = scratchDir('config-broken');
  mkdirSync(join(home, '.config', 'mailtrace'), { recursive: true });
  writeFileSync(join(home, '.config', 'mailtrace', 'config.json'), '{ nope');
  const r = runCli(['--offline', SAMPLE], { env: { HOME: home, XDG_CONFIG_HOME: '' } });
  assert.equal(r.code, 64);
  assert.match(r.stderr, /^mailtrace: .*config\.json: not valid JSON/);
});
