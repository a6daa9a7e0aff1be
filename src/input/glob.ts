// Quoted globs ("abuse/*/*.eml"): the shell normally expands them, but a quoted pattern, a pattern from a path
// list, or one on Windows reaches us as is. Supported: * and ? within one path segment, [abc] classes, and ** for
// any number of directories. Segments become anchored regexes without nested quantifiers (linear matching).
// A wildcard never expands into a Maildir's tmp/ (deliveries still being written), as the directory walk never enters
// it; a pattern that names tmp/ literally ("box/tmp/*") is taken at its word.
import { lstat, readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, sep } from 'node:path';
import { isMaildir } from './walk.js';

export function hasGlobMagic(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/**
 * One path segment as an anchored regex, or undefined when it can match nothing: a bracket expression with a range
 * written backwards ("[z-a]") matches no name, as in bash and fnmatch(3), and is no error. Code points, not UTF-16
 * units, so that ? and a class take one character whatever its plane.
 */
function segmentRegex(segment: string): RegExp | undefined {
  const chars = [...segment];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const bracket = bracketAt(chars, i);
      if (!bracket) out += '\\[';
      else if (bracket.regex === undefined) return undefined;
      else {
        out += bracket.regex;
        i = bracket.close;
      }
    } else out += c.replace(/[.+^${}()|\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'u');
}

/**
 * The bracket expression opening at chars[open] ("[abc]", "[a-z]", "[!0-9]"; a ']' right after the '[' or '[!' is a
 * member), as a regex class; undefined when it has no closing ']' (then the '[' is literal). `regex` is undefined
 * when a range is backwards: the expression matches nothing.
 */
function bracketAt(chars: readonly string[], open: number): { regex: string | undefined; close: number } | undefined {
  let first = open + 1;
  const negated = chars[first] === '!' || chars[first] === '^';
  if (negated) first++;
  const close = chars.indexOf(']', first + 1);
  if (close === -1) return undefined;
  let members = '';
  for (let j = first; j < close; j++) {
    const from = chars[j]!;
    if (chars[j + 1] === '-' && j + 2 < close) {
      const to = chars[j + 2]!;
      if (from.codePointAt(0)! > to.codePointAt(0)!) return { regex: undefined, close };
      members += `${classChar(from)}-${classChar(to)}`;
      j += 2;
    } else members += classChar(from);
  }
  return { regex: negated ? `[^${members}]` : `[${members}]`, close };
}

/** A character as a member of a regex class: the ones with a meaning there escaped. */
function classChar(c: string): string {
  return /[\\\]\[^-]/.test(c) ? `\\${c}` : c;
}

/** A real directory, not a symlink to one: ** does not follow links, so a link to an ancestor cannot loop. */
async function isRealDir(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function listDir(path: string): Promise<string[]> {
  try {
    return (await readdir(path)).sort();
  } catch {
    return [];
  }
}

function isMaildirTmp(name: string, siblings: readonly string[]): boolean {
  return name === 'tmp' && isMaildir(siblings);
}

/** Expand a glob pattern to the matching paths, sorted; hidden entries only match a pattern that starts with '.'. */
export async function expandGlob(pattern: string): Promise<string[]> {
  const absolute = isAbsolute(pattern);
  const segments = pattern.split(/[\\/]+/).filter((s, i) => s !== '' || i === 0);
  let bases = [absolute ? sep : '.'];
  if (absolute) segments.shift();
  for (let s = 0; s < segments.length; s++) {
    const segment = segments[s]!;
    const next: string[] = [];
    if (segment === '**') {
      // Zero or more directories: every directory below each base.
      const stack = [...bases];
      while (stack.length) {
        const dir = stack.pop()!;
        next.push(dir);
        const names = await listDir(dir);
        for (const name of names) {
          if (name.startsWith('.') || isMaildirTmp(name, names)) continue;
          const p = join(dir, name);
          if (await isRealDir(p)) stack.push(p);
        }
      }
    } else if (!hasGlobMagic(segment)) {
      for (const b of bases) next.push(join(b, segment));
    } else {
      const re = segmentRegex(segment);
      for (const b of re ? bases : []) {
        const names = await listDir(b);
        for (const name of names) {
          if (name.startsWith('.') && !segment.startsWith('.')) continue;
          if (isMaildirTmp(name, names)) continue;
          if (re!.test(name)) next.push(join(b, name));
        }
      }
    }
    bases = next;
  }
  const found: string[] = [];
  for (const p of bases) {
    try {
      await stat(p);
      found.push(p);
    } catch {
      // a literal segment that does not exist
    }
  }
  return [...new Set(found)].sort();
}
