// A DNS server on loopback that answers NXDOMAIN to every question and counts what reaches the wire: the
// queries issued against the unique (name, type) pairs, so a run that looks a name up twice shows it.
import { createSocket, type Socket } from 'node:dgram';

export interface DnsCounter {
  port: number;
  /** Questions received (every datagram, retries included). */
  queries(): number;
  /** Distinct (lower-case name, type) pairs among them. */
  unique(): number;
  close(): Promise<void>;
}

/** The question of a query (RFC 1035 4.1.2): labels, then QTYPE; no compression in a question we are sent. */
function question(msg: Buffer): { name: string; type: number; end: number } | undefined {
  let pos = 12;
  const labels: string[] = [];
  while (pos < msg.length && msg[pos] !== 0) {
    const len = msg[pos]!;
    if (len > 63) return undefined;
    labels.push(msg.toString('latin1', pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  if (pos + 5 > msg.length) return undefined;
  return { name: labels.join('.').toLowerCase(), type: msg.readUInt16BE(pos + 1), end: pos + 5 };
}

function nxdomain(query: Buffer, end: number): Buffer {
  const reply = Buffer.from(query.subarray(0, end));
  // QR=1, opcode and RD copied, AA=1; RA=0, RCODE=3 (NXDOMAIN). One question, nothing else.
  reply[2] = 0x80 | (query[2]! & 0x79) | 0x04;
  reply[3] = 0x03;
  reply.writeUInt16BE(1, 4);
  reply.writeUInt16BE(0, 6);
  reply.writeUInt16BE(0, 8);
  reply.writeUInt16BE(0, 10);
  return reply;
}

export async function startDnsCounter(): Promise<DnsCounter> {
  const socket: Socket = createSocket('udp4');
  let queries = 0;
  const pairs = new Set<string>();
  socket.on('message', (msg, peer) => {
    const q = msg.length >= 12 ? question(msg) : undefined;
    if (!q) return;
    queries++;
    pairs.add(`${q.name} ${q.type}`);
    socket.send(nxdomain(msg, q.end), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    queries: () => queries,
    unique: () => pairs.size,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
