import http from 'node:http';
import type net from 'node:net';

/**
 * A local webhook receiver standing in for a unit's inbox: it counts each notice by the id the
 * notifier sends, as a deduplicating receiver would see it.
 */
export interface Receiver {
  url: string;
  received: Map<string, number>;
  close(): Promise<void>;
}

export function startReceiver(): Promise<Receiver> {
  const received = new Map<string, number>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      try {
        // One delivery id per notice (derived from it): counting by notice is counting by delivery.
        const id = (JSON.parse(body) as { notificationId?: string }).notificationId;
        if (id) received.set(id, (received.get(id) ?? 0) + 1);
        res.writeHead(200).end('ok');
      } catch {
        res.writeHead(400).end('bad json');
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/notices`,
        received,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}
