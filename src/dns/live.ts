// Live lookups through node:dns (c-ares), never hand-written packets.
//
// Times (measured, platform-facts 4.2): a default Resolver waits 30 s on a silent server, and the elapsed time
// is not timeout × tries (c-ares backs off: {500 ms, 2 tries} took 2.0 s, {1000, 2} 3.0 s). So three guards:
//   1. c-ares per-try timeout and tries (defaults 500 ms, 2: a lost UDP packet is retried once);
//   2. an overall deadline per lookup (default 1500 ms), queue wait included, after which the lookup fails
//      with ETIMEOUT whatever c-ares is still doing;
//   3. fail-fast: after 2 timeouts in a row with no answer in between, the server is asked about the root (". NS",
//      which a resolver answers from its cache and an authoritative server refuses at once); only when that goes
//      unanswered too does it count as dead, and lookups fail at once with ETIMEOUT for 10 s, then one is tried
//      again. Without it a batch against a dead server costs every message several deadlines (DKIM, SPF, ARC and
//      DMARC are looked up one after another). Without the probe, two names whose own servers are dead (a lame
//      delegation, or a spoof's DKIM-Signatures naming key domains that never answer) made a working resolver
//      "dead": every other lookup of that message and of the next 10 s failed, and a spoof of a p=reject domain
//      from an unauthorised IP came out spf, dkim and dmarc temperror, verdict pass.
// So a dead server costs a message at most about two deadlines and a probe (~3.5 s), and later messages almost
// nothing.
import { promises as dns } from 'node:dns';
import { dnsError, errorCode } from './errors.js';
import { Semaphore } from './limit.js';

export interface LiveOptions {
  /** Servers as Resolver#setServers takes them; empty = the system's (/etc/resolv.conf). */
  servers: string[];
  timeoutMs: number;
  tries: number;
  deadlineMs: number;
  concurrency: number;
  /** Consecutive timeouts after which the server counts as dead (0 disables fail-fast). */
  failFastAfter: number;
  failFastForMs: number;
}

/** `unsent`: the question never reached a server (fail-fast, or its deadline passed while it waited for a slot). */
export type Outcome = { answer: unknown; error?: undefined; unsent?: undefined } | { error: string; answer?: undefined; unsent?: true };

export interface LiveStats {
  /** Questions handed to c-ares (its own retries are not counted). */
  sent: number;
  /** Lookups failed at once because the server was judged dead. */
  failedFast: number;
  /** Most questions on the wire at once. */
  peakInFlight: number;
  /** Root questions sent to tell a dead server from dead zones behind a live one (fail-fast). */
  probes: number;
}

/** MX order is not guaranteed by servers (BIND gave priority 20 before 10): sort, ties by name. */
function tidy(rrtype: string, answer: unknown): unknown {
  if (rrtype === 'MX' && Array.isArray(answer)) {
    // Only the two fields every Node gives: Node 24 adds type: 'MX' to each record, and a snapshot recorded there
    // differed from one recorded under Node 20 (and from the fixtures' answers) for the same zone.
    return (answer as { exchange: string; priority: number }[])
      .map(({ exchange, priority }) => ({ exchange, priority }))
      .sort((a, b) => a.priority - b.priority || (a.exchange < b.exchange ? -1 : a.exchange > b.exchange ? 1 : 0));
  }
  return answer;
}

export class LiveBackend {
  private readonly resolver: dns.Resolver;
  private readonly limit: Semaphore;
  private consecutiveTimeouts = 0;
  private deadUntil = 0;
  /** The liveness probe in flight, which lookups wait for before they are sent. */
  private probing: Promise<void> | undefined;
  private readonly counters = { sent: 0, failedFast: 0, probes: 0 };

  constructor(private readonly options: LiveOptions) {
    this.resolver = new dns.Resolver({ timeout: options.timeoutMs, tries: options.tries });
    if (options.servers.length) this.resolver.setServers(options.servers);
    this.limit = new Semaphore(options.concurrency);
  }

  stats(): LiveStats {
    return { ...this.counters, peakInFlight: this.limit.peak };
  }

  /** Stop every query still on the wire (they fail with ECANCELLED). */
  cancel(): void {
    this.resolver.cancel();
  }

  async query(name: string, rrtype: string): Promise<Outcome> {
    if (this.probing) await this.probing;
    if (Date.now() < this.deadUntil) {
      this.counters.failedFast++;
      return { error: 'ETIMEOUT', unsent: true };
    }
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(dnsError('ETIMEOUT', name, rrtype)), this.options.deadlineMs);
    timer.unref();
    let onTheWire = false;
    try {
      const release = await this.limit.acquire(deadline.signal);
      onTheWire = true;
      this.counters.sent++;
      // The slot is held until c-ares itself gives up, so the bound is on what is really on the wire.
      const sent = this.resolver.resolve(name, rrtype);
      sent.then(release, release);
      const answer = await Promise.race([sent, rejectOnAbort(deadline.signal)]);
      this.consecutiveTimeouts = 0;
      return { answer: tidy(rrtype, answer) };
    } catch (err) {
      const code = errorCode(err);
      // Slots held by other lookups say nothing about the server.
      if (!onTheWire) return { error: code, unsent: true };
      if (code === 'ETIMEOUT') this.noteTimeout();
      else if (code !== 'ECANCELLED') this.consecutiveTimeouts = 0; // the server answered (NXDOMAIN, SERVFAIL, ...)
      return { error: code };
    } finally {
      clearTimeout(timer);
    }
  }

  private noteTimeout(): void {
    this.consecutiveTimeouts++;
    if (this.options.failFastAfter > 0 && this.consecutiveTimeouts >= this.options.failFastAfter && !this.probing) {
      this.probing = this.probe().finally(() => (this.probing = undefined));
    }
  }

  /** Timeouts in a row: is it the server, or only the zones asked about? Any reply to ". NS" within one try says alive. */
  private async probe(): Promise<void> {
    this.counters.probes++;
    const sent = this.resolver.resolve('.', 'NS');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(dnsError('ETIMEOUT', '.', 'NS')), this.options.timeoutMs);
    });
    let code: string | undefined;
    try {
      await Promise.race([sent, timeout]);
    } catch (err) {
      code = errorCode(err);
    } finally {
      clearTimeout(timer);
      sent.catch(() => undefined);
    }
    if (code === 'ETIMEOUT' || code === 'ECONNREFUSED' || code === 'ECANCELLED') {
      this.deadUntil = Date.now() + this.options.failFastForMs;
      this.consecutiveTimeouts = this.options.failFastAfter - 1; // one more timeout after the pause: dead again
    } else {
      this.consecutiveTimeouts = 0; // it answered (even NXDOMAIN or REFUSED): the timeouts were the zones'
    }
  }
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
