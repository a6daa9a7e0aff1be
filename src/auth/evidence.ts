// Evidence for the authentication findings: the header a result belongs to, and the DNS record it rested on.
import type { Evidence, Message, MethodResult } from '../types.js';

export function headerEvidence(message: Message, index: number | undefined): Evidence[] {
  const f = index !== undefined ? message.headers[index] : undefined;
  return f ? [{ header: f.name, index: f.index, text: f.raw }] : [];
}

export function firstHeaderEvidence(message: Message, key: string): Evidence[] {
  const f = message.headers.find((h) => h.key === key);
  return f ? [{ header: f.name, index: f.index, text: f.raw }] : [];
}

/** The DNS record a result used ("dns:TXT _dmarc.example.com"), when mailauth reported it. */
export function recordEvidence(result: MethodResult, name: string | undefined): Evidence[] {
  const record = result.details?.['record'];
  return typeof record === 'string' && name ? [{ header: `dns:TXT ${name}`, index: -1, text: record }] : [];
}

/** The result line itself, as pseudo-evidence ("spf=fail (comment)"). */
export function resultEvidence(result: MethodResult): Evidence {
  return { header: `auth:${result.method}`, index: -1, text: `${result.method}=${result.result}${result.domain ? ` ${result.domain}` : ''}${result.comment ? ` (${result.comment})` : ''}` };
}

export function resultsOf(results: MethodResult[], method: MethodResult['method']): MethodResult[] {
  return results.filter((r) => r.method === method);
}
