// Options shared by every command, and their parsing.
export interface CommonArgs {
  config?: string;
  trust?: string[];
  trustAuthservId?: string[];
  skew?: number;
  offline?: boolean;
  dnsServer?: string[];
  dnsRecord?: string;
  dnsReplay?: string;
  dnsTimeout?: number;
  at?: string;
}

export class ArgumentError extends Error {
  override readonly name = 'ArgumentError';
}

/** --at: an ISO-8601 instant ("2024-03-01T10:00Z") or an RFC 5322 date. */
export function parseAt(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value.replace(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})Z$/, '$1:00Z'));
  if (!Number.isFinite(ms)) throw new ArgumentError(`--at: not a date: ${JSON.stringify(value)}`);
  return new Date(ms);
}
