import net from 'node:net';

export interface StartingUpProxy {
  /** The target's URL, through the proxy. */
  url: string;
  /** How many connections were answered with 57P03 so far. */
  refused(): number;
  close(): Promise<void>;
}

/**
 * A stand-in for a PostgreSQL in crash recovery, in front of a real one: it answers the first
 * `refusals` connections as such a server does (FATAL 57P03 after the startup message) and passes
 * every later one through to `targetUrl`. Recovery after an immediate shutdown lasts however long
 * it lasts; this makes the window exact.
 */
export async function startingUpProxy(targetUrl: string, refusals: number): Promise<StartingUpProxy> {
  const target = new URL(targetUrl);
  let refused = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    if (refused < refusals) {
      refused++;
      socket.once('data', () => socket.end(startingUpError()));
      return;
    }
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    socket.pipe(upstream).pipe(socket);
    const end = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.once('error', end);
    upstream.once('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    refused: () => refused,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The ErrorResponse a server in recovery sends: severity FATAL, SQLSTATE 57P03. */
function startingUpError(): Buffer {
  const field = (code: string, value: string) => Buffer.from(`${code}${value}\0`, 'utf8');
  const body = Buffer.concat([
    field('S', 'FATAL'),
    field('V', 'FATAL'),
    field('C', '57P03'),
    field('M', 'the database system is starting up'),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(5);
  header.write('E', 0, 'ascii');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}
