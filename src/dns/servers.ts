// --dns-server values: "host", "host:port", "[v6]", "[v6]:port", or a bare IPv6 address.
// node's Resolver#setServers takes IP addresses only, so a host name is looked up once, at start.
import { isIP } from 'node:net';
import { promises as dns } from 'node:dns';
import { DnsConfigError } from './errors.js';

export interface ServerAddress {
  host: string;
  port: number;
}

const DEFAULT_PORT = 53;
// Host names as RFC 1123 allows them; linear, anchored.
const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

function parsePort(text: string, value: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) throw new DnsConfigError(`--dns-server ${JSON.stringify(value)}: port must be 1-65535`);
  return Number(text);
}

/** Parse one value; throws DnsConfigError with a one-line reason. */
export function parseServer(value: string): ServerAddress {
  const text = value.trim();
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    if (isIP(bracketed[1]!) !== 6) throw new DnsConfigError(`--dns-server ${JSON.stringify(value)}: not an IPv6 address in brackets`);
    return { host: bracketed[1]!, port: bracketed[2] === undefined ? DEFAULT_PORT : parsePort(bracketed[2], value) };
  }
  if (isIP(text) === 6) return { host: text, port: DEFAULT_PORT };
  const colon = text.lastIndexOf(':');
  const host = colon === -1 ? text : text.slice(0, colon);
  const port = colon === -1 ? DEFAULT_PORT : parsePort(text.slice(colon + 1), value);
  if (host.includes(':')) throw new DnsConfigError(`--dns-server ${JSON.stringify(value)}: write an IPv6 address with a port as [addr]:port`);
  if (isIP(host) !== 4 && (host.length > 253 || !HOST_NAME.test(host))) throw new DnsConfigError(`--dns-server ${JSON.stringify(value)}: not an IP address or host name`);
  return { host, port };
}

/** The form Resolver#setServers accepts. */
export function formatServer({ host, port }: ServerAddress): string {
  const h = isIP(host) === 6 ? `[${host}]` : host;
  return port === DEFAULT_PORT && isIP(host) === 4 ? host : `${h}:${port}`;
}

/** Parse every value and look host names up (through the system) so node gets addresses. */
export async function resolveServers(values: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const value of values) {
    const server = parseServer(value);
    if (isIP(server.host)) {
      out.push(formatServer(server));
      continue;
    }
    let addresses: { address: string }[];
    try {
      addresses = await dns.lookup(server.host, { all: true });
    } catch {
      throw new DnsConfigError(`--dns-server ${JSON.stringify(value)}: cannot resolve host name ${server.host}`);
    }
    for (const { address } of addresses) out.push(formatServer({ host: address, port: server.port }));
  }
  return out;
}
