// Site configuration: the receiving side's own servers and authserv-ids, set once.
// Read from --config FILE, else $XDG_CONFIG_HOME/mailtrace/config.json (~/.config when unset); flags win.
// The default file is optional: missing, or in a home the user may not read (a filter run as nobody with HOME=/root,
// `sudo -u`), it is no config, with a warning for the second. A --config file must be read, and any config that is
// read must be valid.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { safeInline } from '../render/sanitize.js';

export interface SiteConfig {
  trust?: string[];
  authservIds?: string[];
  dnsServers?: string[];
  skewSeconds?: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'mailtrace', 'config.json');
}

function stringList(value: unknown, key: string, path: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new ConfigError(`${path}: "${key}" must be a list of strings`);
  return value;
}

/** Where a one-line warning goes: stderr, unless the command has its own (the filter's prefix). */
export type Warn = (message: string) => void;

const warnOnStderr: Warn = (message) => process.stderr.write(`mailtrace: ${safeInline(message)}\n`);

/** The default file may not be there, or may be out of reach: neither stops the analysis. */
function skipsDefault(code: string | undefined): 'silently' | 'with-warning' | undefined {
  if (code === 'ENOENT') return 'silently';
  if (code === 'EACCES' || code === 'EPERM') return 'with-warning';
  return undefined;
}

/** The config file's text; undefined when the default file is missing or unreadable for lack of permission. */
function readConfigText(path: string, explicit: boolean, warn: Warn): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const skip = explicit ? undefined : skipsDefault(code);
    if (skip === 'with-warning') warn(`${path}: cannot read config (${code}): going on without it`);
    if (skip) return undefined;
    throw new ConfigError(`${path}: cannot read config (${code ?? 'error'})`);
  }
}

/** Load the config; a missing or unreadable default file is no config, an explicit file that cannot be read is an error. */
export function loadConfig(explicitPath: string | undefined, env: NodeJS.ProcessEnv = process.env, warn: Warn = warnOnStderr): SiteConfig {
  const path = explicitPath ?? defaultConfigPath(env);
  const text = readConfigText(path, Boolean(explicitPath), warn); // --config '' is no config, as before
  if (text === undefined) return {};
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new ConfigError(`${path}: must be a JSON object`);
  const o = data as Record<string, unknown>;
  const known = new Set(['trust', 'authservIds', 'dnsServers', 'skewSeconds', '$schema']);
  const unknown = Object.keys(o).filter((k) => !known.has(k));
  if (unknown.length) throw new ConfigError(`${path}: unknown key ${unknown.map((k) => JSON.stringify(k)).join(', ')}`);
  if (o.skewSeconds !== undefined && (typeof o.skewSeconds !== 'number' || !(o.skewSeconds >= 0))) {
    throw new ConfigError(`${path}: "skewSeconds" must be a non-negative number`);
  }
  const trust = stringList(o.trust, 'trust', path);
  const authservIds = stringList(o.authservIds, 'authservIds', path);
  const dnsServers = stringList(o.dnsServers, 'dnsServers', path);
  return {
    ...(trust ? { trust } : {}),
    ...(authservIds ? { authservIds } : {}),
    ...(dnsServers ? { dnsServers } : {}),
    ...(typeof o.skewSeconds === 'number' ? { skewSeconds: o.skewSeconds } : {}),
  };
}
