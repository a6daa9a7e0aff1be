// A real authoritative DNS server for the tests: knotd (Debian package "knot") on a free loopback port, serving
// the zone files in test/fixtures/dns. Recipe from platform-facts 4.3: block-style YAML config (knot rejects
// flow style), a writable rundir and storage, dropped to nobody with setpriv when run as root (runuser would
// SIGKILL the server 2 s after SIGTERM), and a stale pid file removed before start.
//
// Also: silentServer() (a UDP port that reads queries and never answers) and a closed port (nothing listening),
// for the timeout and connection-refused paths.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { promises as dns } from 'node:dns';
import { chownSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { openDns, type DnsSession } from '../../src/dns/index.js';

export const ZONE_DIR = fileURLToPath(new URL('../fixtures/dns/', import.meta.url));
export const KEY_DIR = join(ZONE_DIR, 'keys');
const KNOTD = ['/usr/sbin/knotd', '/usr/local/sbin/knotd'].find((p) => existsSync(p)) ?? 'knotd';
const KNOTC = ['/usr/sbin/knotc', '/usr/local/sbin/knotc'].find((p) => existsSync(p)) ?? 'knotc';

export interface Knot {
  /** "127.0.0.1:PORT", the form --dns-server and Resolver#setServers take. */
  server: string;
  /** "[::1]:PORT": the same server over IPv6 loopback. */
  server6: string;
  port: number;
  /** The zones served, by origin (servfail.test is listed but fails to load). */
  zones: string[];
  /** Queries knot has received, from its mod-stats counters (UDP and TCP over IPv4). */
  queryCount(): number;
  stop(): Promise<void>;
}

/** Every *.zone in the fixtures folder, by origin. */
export function fixtureZones(): string[] {
  return readdirSync(ZONE_DIR)
    .filter((f) => f.endsWith('.zone'))
    .map((f) => f.slice(0, -'.zone'.length))
    .sort();
}

const tcpFree = (port: number, host: string) =>
  new Promise<boolean>((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });

const udp6Free = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createSocket({ type: 'udp6', ipv6Only: true });
    s.once('error', () => resolve(false));
    s.bind(port, '::1', () => s.close(() => resolve(true)));
  });

/** A port that is free for UDP and TCP on 127.0.0.1 and ::1 right now. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    const port = udp.address().port;
    const free = (await tcpFree(port, '127.0.0.1')) && (await tcpFree(port, '::1')) && (await udp6Free(port));
    udp.close();
    if (free) return port;
  }
  throw new Error('no loopback port free on both 127.0.0.1 and ::1 (the DNS tests need IPv6 loopback too)');
}

function knotConfig(dir: string, port: number, zones: string[]): string {
  return `server:
    rundir: "${dir}"
    listen: [ 127.0.0.1@${port}, ::1@${port} ]
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
control:
    listen: "${dir}/knot.sock"
log:
  - target: stderr
    any: warning
database:
    storage: "${dir}/db"
mod-stats:
  - id: counts
    request-protocol: on
template:
  - id: default
    storage: "${dir}"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    global-module: mod-stats/counts
zone:
${zones.map((z) => `  - domain: ${z}`).join('\n')}
`;
}

function missingKnot(): Error {
  return new Error('knotd not found: the DNS tests need the knot DNS server (Debian: "apt-get install knot"; scripts/ensure-deps.sh --with-knot does it as root)');
}

/** Start knot with the fixture zones (or the given ones) and wait until it answers. */
export async function startKnot(zones: string[] = fixtureZones()): Promise<Knot> {
  if (!existsSync(KNOTD) && spawnSync('knotd', ['--version']).error) throw missingKnot();
  const dir = mkdtempSync(join(tmpdir(), 'mailtrace-knot-'));
  for (const z of zones) copyFileSync(join(ZONE_DIR, `${z}.zone`), join(dir, `${z}.zone`));
  const port = await freePort();
  writeFileSync(join(dir, 'knot.conf'), knotConfig(dir, port, zones));
  rmSync(join(dir, 'knot.pid'), { force: true }); // a stale pid file blocks a restart
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownTree(dir);
  const cmd = asRoot ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', KNOTD] : [KNOTD];
  const child = spawn(cmd[0]!, [...cmd.slice(1), '-c', join(dir, 'knot.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If the test process ends without calling stop() (a crash, a cancelled run), do not leave knotd behind.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  try {
    await waitUntilAnswering(port, child, () => stderr, zones.find((z) => z !== 'servfail.test') ?? zones[0]!);
  } catch (err) {
    process.removeListener('exit', reap);
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    server: `127.0.0.1:${port}`,
    server6: `[::1]:${port}`,
    port,
    zones,
    queryCount: () => readQueryCount(dir),
    stop: async () => {
      process.removeListener('exit', reap);
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000).unref())]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function chownTree(dir: string): void {
  const nobody = Number(spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout.trim());
  const nogroup = Number(spawnSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).stdout.trim());
  chownSync(dir, nobody, nogroup);
  for (const f of readdirSync(dir)) chownSync(join(dir, f), nobody, nogroup);
}

async function waitUntilAnswering(port: number, child: ChildProcess, stderr: () => string, zone: string): Promise<void> {
  const probe = new dns.Resolver({ timeout: 100, tries: 1 });
  probe.setServers([`127.0.0.1:${port}`]);
  const started = Date.now();
  while (Date.now() - started < 10_000) {
    if (child.exitCode !== null) throw new Error(`knotd exited with ${child.exitCode}: ${stderr().trim()}`);
    try {
      await probe.resolveSoa(zone);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  throw new Error(`knotd did not answer on 127.0.0.1:${port} within 10 s: ${stderr().trim()}`);
}

/** Sum of mod-stats request-protocol counters ("mod-stats.request-protocol[udp4] = 12"). */
function readQueryCount(dir: string): number {
  const r = spawnSync(KNOTC, ['-s', join(dir, 'knot.sock'), 'stats', 'mod-stats.request-protocol'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`knotc stats failed: ${r.stderr || r.stdout}`);
  let total = 0;
  for (const m of r.stdout.matchAll(/request-protocol\[[a-z0-9-]+\] = (\d+)/g)) total += Number(m[1]);
  return total;
}

/** A UDP port that reads every query and never answers: what a dead or firewalled resolver looks like. */
export interface SilentServer {
  server: string;
  /** Datagrams received (c-ares retries show up here). */
  received(): number;
  stop(): Promise<void>;
}

export async function silentServer(): Promise<SilentServer> {
  const socket: Socket = createSocket('udp4');
  let count = 0;
  socket.on('message', () => count++);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    server: `127.0.0.1:${socket.address().port}`,
    received: () => count,
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** "127.0.0.1:PORT" with nothing listening: queries are refused at once (ICMP port unreachable). */
export async function closedServer(): Promise<string> {
  return `127.0.0.1:${await freePort()}`;
}

/** For a test file: knot started before its tests, and the project's DNS session on it; both closed after them. */
export function knotSession(): { knot(): Knot; session(): DnsSession } {
  let knot: Knot | undefined;
  let session: DnsSession | undefined;
  before(async () => {
    knot = await startKnot();
    session = (await openDns({ servers: [knot.server] }))!;
  });
  after(async () => {
    await session?.close();
    await knot?.stop();
  });
  return { knot: () => knot!, session: () => session! };
}

/**
 * A UDP forwarder in front of a real server that never answers questions about some names: what a resolver looks
 * like when one zone's servers are dead (lame delegations are common in spam, and an attacker can arrange them),
 * while it answers everything else.
 */
export interface LossyForwarder {
  server: string;
  /** Questions dropped. */
  dropped(): number;
  stop(): Promise<void>;
}

/** The question name of a DNS message (RFC 1035 4.1.2), lower case, without the trailing dot. */
function questionName(packet: Buffer): string {
  const labels: string[] = [];
  let pos = 12;
  while (pos < packet.length && packet[pos]! > 0 && packet[pos]! < 64) {
    labels.push(packet.subarray(pos + 1, pos + 1 + packet[pos]!).toString('latin1'));
    pos += 1 + packet[pos]!;
  }
  return labels.join('.').toLowerCase();
}

export async function lossyForwarder(upstream: string, drop: (name: string) => boolean): Promise<LossyForwarder> {
  const [host, port] = [upstream.slice(0, upstream.lastIndexOf(':')), Number(upstream.slice(upstream.lastIndexOf(':') + 1))];
  const socket = createSocket('udp4');
  let dropped = 0;
  socket.on('message', (query, client) => {
    if (drop(questionName(query))) {
      dropped++;
      return;
    }
    const out = createSocket('udp4');
    out.once('message', (answer) => {
      socket.send(answer, client.port, client.address);
      out.close();
    });
    out.send(query, port, host);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    server: `127.0.0.1:${socket.address().port}`,
    dropped: () => dropped,
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
