import { connect, createServer, type Socket } from 'node:net';

/**
 * `pass` forwards bytes both ways; `black-hole` accepts connections and
 * swallows every byte, in both directions, without closing anything: a
 * database that is reachable and never answers.
 */
export type ProxyMode = 'pass' | 'black-hole';

/** A TCP proxy on 127.0.0.1 between the app and PostgreSQL. */
export interface TcpProxy {
  port: number;
  setMode(mode: ProxyMode): void;
  /** Connections open right now (both sides counted once). */
  connections(): number;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  server?: Socket;
}

function forward(pair: Pair, targetPort: number): void {
  const server = connect(targetPort, '127.0.0.1');
  pair.server = server;
  pair.client.pipe(server).pipe(pair.client);
  server.on('error', () => pair.client.destroy());
  server.on('close', () => pair.client.destroy());
}

function swallow(pair: Pair): void {
  if (pair.server) {
    pair.client.unpipe(pair.server);
    pair.server.unpipe(pair.client);
  }
  pair.client.on('data', () => undefined);
  pair.server?.on('data', () => undefined);
}

/**
 * Starts a proxy to `127.0.0.1:targetPort`. Switching to `black-hole`
 * stalls the open connections too; switching back to `pass` drops the
 * stalled ones (their protocol state is lost) and forwards new ones.
 */
export function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let mode: ProxyMode = 'pass';
  const pairs = new Set<Pair>();
  const listener = createServer(client => {
    const pair: Pair = { client };
    pairs.add(pair);
    client.on('error', () => pair.server?.destroy());
    client.on('close', () => {
      pair.server?.destroy();
      pairs.delete(pair);
    });
    if (mode === 'pass') forward(pair, targetPort);
    else swallow(pair);
  });
  const setMode = (next: ProxyMode) => {
    if (next === mode) return;
    mode = next;
    for (const pair of pairs) {
      if (next === 'black-hole') swallow(pair);
      else pair.client.destroy();
    }
  };
  return new Promise((resolve, reject) => {
    listener.on('error', reject);
    listener.listen(0, '127.0.0.1', () => {
      const address = listener.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : 0,
        setMode,
        connections: () => pairs.size,
        close: () => {
          for (const pair of pairs) pair.client.destroy();
          return new Promise(done => listener.close(() => done()));
        },
      });
    });
  });
}
