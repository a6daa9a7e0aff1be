// The stop signals' second round: after the first signal (a clean stop under way), any second one ends the process at
// once with that signal's own exit code. Run in a process of its own, as signals are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { exitCodeFor } from '../../src/cli/scan/stop-signals.js';

const MODULE = new URL('../../src/cli/scan/stop-signals.ts', import.meta.url).href;

test('exit codes are the shell\'s 128 + signal number', () => {
  assert.deepEqual([exitCodeFor('SIGINT'), exitCodeFor('SIGTERM'), exitCodeFor('SIGHUP')], [130, 143, 129]);
});

test('the first stop signal calls back and the process lives on; a second one quits at once with its own code', async () => {
  // A process that would never end by itself: only the second signal can end it.
  const script = `import { onStopSignals } from ${JSON.stringify(MODULE)};
    onStopSignals((signal) => process.stdout.write('first ' + signal + '\\n'));
    setInterval(() => {}, 60_000);
    process.stdout.write('ready\\n');`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const waitFor = async (text: string) => {
    while (!stdout.includes(text)) await once(child.stdout, 'data');
  };
  const exited = once(child, 'exit');
  await waitFor('ready');
  child.kill('SIGTERM');
  await waitFor('first SIGTERM');
  child.kill('SIGHUP');
  const [code, signal] = await exited;
  assert.deepEqual({ code, signal }, { code: 129, signal: null });
  assert.equal(stdout, 'ready\nfirst SIGTERM\n', 'called back once');
});
