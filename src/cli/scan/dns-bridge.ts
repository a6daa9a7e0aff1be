// DNS across threads. A worker's resolver posts the question to the main thread over its MessagePort; the main
// thread answers from the run's one DnsSession. Identical questions in flight at the same time (the same DKIM key
// wanted by messages in two workers) share one lookup; the session's cache serves the ones after.
// Errors keep their code (ENOTFOUND, ENODATA, ETIMEOUT, EMISSING...), which is what mailauth maps to results.
import type { Resolver } from '../../types.js';
import type { DnsReply } from './protocol.js';

export interface DnsQuestion {
  type: 'dns';
  id: number;
  name: string;
  rrtype: string;
}

function keyOf(name: string, rrtype: string): string {
  return `${name.toLowerCase().replace(/\.$/, '')}|${rrtype.toUpperCase()}`;
}

/** Main-thread side. */
export class DnsBridge {
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /** Questions received from workers, and lookups actually handed to the resolver. */
  readonly counts = { asked: 0, resolved: 0 };

  constructor(private readonly resolver: Resolver | undefined) {}

  async answer(q: DnsQuestion): Promise<DnsReply> {
    this.counts.asked++;
    const key = keyOf(q.name, q.rrtype);
    let pending = this.inFlight.get(key);
    if (!pending) {
      this.counts.resolved++;
      pending = this.resolver ? this.resolver(q.name, q.rrtype) : Promise.reject(Object.assign(new Error('offline: no DNS'), { code: 'EOFFLINE' }));
      this.inFlight.set(key, pending);
      const forget = () => this.inFlight.delete(key);
      pending.then(forget, forget);
    }
    try {
      return { type: 'dns-reply', id: q.id, answer: await pending };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return { type: 'dns-reply', id: q.id, error: { ...(e?.code ? { code: e.code } : {}), message: String(e?.message ?? e) } };
    }
  }
}

/** Worker side: a Resolver that asks over `post`; feed the replies to `settle`. */
export function remoteResolver(post: (q: DnsQuestion) => void): { resolver: Resolver; settle: (reply: DnsReply) => void } {
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  const resolver: Resolver = (name, rrtype) =>
    new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve, reject });
      post({ type: 'dns', id, name, rrtype });
    });
  const settle = (reply: DnsReply) => {
    const w = waiting.get(reply.id);
    if (!w) return;
    waiting.delete(reply.id);
    if (reply.error) {
      const err = new Error(reply.error.message) as NodeJS.ErrnoException;
      if (reply.error.code) err.code = reply.error.code;
      w.reject(err);
    } else w.resolve(reply.answer);
  };
  return { resolver, settle };
}
