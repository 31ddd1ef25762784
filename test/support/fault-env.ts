import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppProcess, type AppProcess } from './app-process.js';
import { startPgCluster, type PgCluster } from './pg-cluster.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/** A throwaway cluster, an optional proxy, and one example app process. */
export interface FaultEnvironment {
  cluster: PgCluster;
  /** Set when the app reaches the database through the proxy. */
  proxy?: TcpProxy;
  app: AppProcess;
  close(): Promise<void>;
}

/**
 * Starts a PostgreSQL cluster of its own with database `faults`, and
 * examples/basic on it (through a TCP proxy when asked), seeded with the
 * demo user and client.
 */
export async function startFaultEnvironment(
  options: { proxy?: boolean } = {},
): Promise<FaultEnvironment> {
  const cluster = await startPgCluster();
  const keysDir = mkdtempSync(join(tmpdir(), 'password-grant-keys-'));
  const proxy = options.proxy ? await startTcpProxy(cluster.port) : undefined;
  const close = async () => {
    await proxy?.close();
    await cluster.destroy();
    rmSync(keysDir, { recursive: true, force: true });
  };
  try {
    await cluster.createDatabase('faults');
    const port = proxy?.port ?? cluster.port;
    const app = await startAppProcess({
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/faults`,
      PASSWORD_GRANT_KEYS_DIR: keysDir,
      SEED_DEMO: '1',
    });
    return {
      cluster,
      proxy,
      app,
      async close() {
        await app.stop();
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}
