// replaceFileAtomically: the resume state and the DNS snapshot are replaced whole, through a link to the file it
// names, and never written through whatever sits at the temporary name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { replaceFileAtomically } from '../../src/write-target.js';
import { scratchDir } from '../helpers/scratch.js';

test('a link planted at the temporary name is replaced, not written through', () => {
  const dir = scratchDir('write-target-planted');
  const victim = join(dir, 'victim.txt');
  writeFileSync(victim, 'untouched\n');
  const path = join(dir, 'state.json');
  symlinkSync(victim, `${path}.${process.pid}.tmp`);
  replaceFileAtomically(path, '{"done":1}\n');
  assert.equal(readFileSync(victim, 'utf8'), 'untouched\n', 'the planted link\'s target was overwritten');
  assert.equal(readFileSync(path, 'utf8'), '{"done":1}\n');
  assert.ok(lstatSync(path).isFile());
  assert.deepEqual(readdirSync(dir).sort(), ['state.json', 'victim.txt'], 'no temporary file left');
});

test('through a symbolic link, also one that names no file yet, the file it names is written and the link stays', () => {
  const dir = scratchDir('write-target-link');
  const link = join(dir, 'link.json');
  symlinkSync(join(dir, 'real.json'), link);
  replaceFileAtomically(link, 'one\n');
  replaceFileAtomically(link, 'two\n', true);
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.equal(readFileSync(join(dir, 'real.json'), 'utf8'), 'two\n');
  assert.ok(!existsSync(`${join(dir, 'real.json')}.${process.pid}.tmp`));
});
