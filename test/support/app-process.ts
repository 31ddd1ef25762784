import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from './pg-cluster.js';

const MAIN = fileURLToPath(
  new URL('../../examples/basic/dist/main.js', import.meta.url),
);
const READY_TIMEOUT_MS = 30_000;

/** The demo credentials `npm start` prints on a first start. */
export interface PrintedDemo {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}

/** `node examples/basic/dist/main.js` as a separate process. */
export interface AppProcess {
  port: number;
  baseUrl: string;
  /** Set when this start seeded the demo user and client. */
  demo: PrintedDemo | null;
  output(): string;
  alive(): boolean;
  /** Resident memory of the process, in bytes (Linux /proc). */
  rss(): number;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
  /** Stops and starts again on the same port with the same environment. */
  restart(): Promise<void>;
}

function parseDemo(output: string): PrintedDemo | null {
  const user = /Demo user (\S+) \/ (\S+) and/.exec(output);
  const client = /-u '([^:']+):([^']+)'/.exec(output);
  if (!user || !client) return null;
  return {
    username: user[1],
    password: user[2],
    clientId: client[1],
    clientSecret: client[2],
  };
}

function waitForReady(child: ChildProcess, output: () => string) {
  const from = output().length;
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The app did not start:\n${output()}`));
    }, READY_TIMEOUT_MS);
    const onData = () => {
      if (!output().slice(from).includes('Listening on')) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      // The demo lines follow the "Listening" line in the same tick.
      setTimeout(resolve, 50);
    };
    child.stdout?.on('data', onData);
    child.once('exit', code => {
      clearTimeout(timer);
      reject(new Error(`The app exited with ${code}:\n${output()}`));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise(resolve => child.once('exit', () => resolve()));
}

/**
 * Starts the basic example on a free port of 127.0.0.1 and resolves once it
 * listens. `env` adds to a minimal environment (no inherited DATABASE_URL).
 */
export async function startAppProcess(
  env: Record<string, string>,
): Promise<AppProcess> {
  const port = Number(env.PORT ?? (await freePort()));
  const fullEnv = {
    PATH: process.env.PATH ?? '',
    NO_COLOR: '1',
    THROTTLE_ENABLED: '0',
    ...env,
    PORT: String(port),
  };
  let log = '';
  let child!: ChildProcess;
  const launch = async () => {
    child = spawn(process.execPath, [MAIN], {
      env: fullEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // A test run that dies leaves no app behind.
    const orphan = child;
    process.once('exit', () => orphan.kill('SIGKILL'));
    const append = (chunk: Buffer) => {
      log += chunk.toString();
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    await waitForReady(child, () => log);
    child.removeAllListeners('exit');
  };
  await launch();
  const stop = async () => {
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited(child);
    clearTimeout(killer);
  };
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    demo: parseDemo(log),
    output: () => log,
    alive: () => child.exitCode === null && child.signalCode === null,
    rss() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    stop,
    async restart() {
      await stop();
      await launch();
    },
  };
}
