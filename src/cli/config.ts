// Site configuration: the receiving side's own servers and authserv-ids, set once.
// Read from --config FILE, else $XDG_CONFIG_HOME/mailtrace/config.json (~/.config when unset); flags win.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

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

/** Load the config; a missing default file is no config, a missing explicit file is an error. */
export function loadConfig(explicitPath: string | undefined, env: NodeJS.ProcessEnv = process.env): SiteConfig {
  const path = explicitPath ?? defaultConfigPath(env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (!explicitPath && (err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`${path}: cannot read config (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
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
