import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Bytes; the `AfterGc` figures when the server has `--expose-gc`. */
export interface ServerMemory {
  rss: number;
  heapUsed: number;
  rssAfterGc?: number;
  heapAfterGc?: number;
}

/** A bench server running as its own process. */
export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  /** What the server reported when it was ready (credentials, seeds). */
  info: Record<string, unknown>;
  /** Resident set size and heap of the server, in bytes. */
  memory(): Promise<ServerMemory>;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();

/** The compiled script of a server under servers/. */
export function serverScript(name: string): string {
  return fileURLToPath(new URL(`../servers/${name}.js`, import.meta.url));
}

/** Node flags for every server, e.g. `--cpu-prof` when profiling. */
let serverExecArgv: string[] = [];
export function setServerExecArgv(argv: string[]): void {
  serverExecArgv = argv;
}

function waitFor<T>(
  child: ChildProcess,
  type: string,
  timeoutMs: number,
  name: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${name}: no "${type}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: { type?: string }) => {
      if (message.type !== type) return;
      cleanup();
      resolve(message as T);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`${name} exited (code ${code}) before "${type}"`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Starts a process and waits for the message of the given type. */
export async function runChild<T>(
  script: string,
  env: Record<string, string>,
  type: string,
  name: string,
  timeoutMs = 120_000,
  execArgv: string[] = [],
): Promise<{ child: ChildProcess; message: T }> {
  const child = fork(serverScript(script), [], {
    env: { ...process.env, ...env, NODE_ENV: 'production' },
    execArgv: [...serverExecArgv, ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  try {
    return { child, message: await waitFor<T>(child, type, timeoutMs, name) };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

/** Starts a server and waits until it listens on 127.0.0.1. */
export async function startServer(
  name: string,
  script: string,
  env: Record<string, string>,
  execArgv: string[] = [],
): Promise<ServerProcess> {
  const { child, message } = await runChild<{
    port: number;
    pid: number;
  }>(script, env, 'ready', name, 120_000, execArgv);
  return {
    name,
    url: `http://127.0.0.1:${message.port}`,
    pid: message.pid,
    info: message as unknown as Record<string, unknown>,
    async memory() {
      const reply = waitFor<ServerMemory>(child, 'memory', 10_000, name);
      child.send({ type: 'memory' });
      return reply;
    },
    stop: () => stopChild(child),
  };
}

/** SIGTERM, then SIGKILL after a grace period. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise(resolve => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Stops every process this run started. */
export async function stopAll(): Promise<void> {
  await Promise.all([...children].map(stopChild));
}

/** Kills what is left when the harness exits in any way. */
export function killChildrenOnExit(): void {
  process.on('exit', () => {
    for (const child of children) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      void stopAll().finally(() => process.exit(130));
    });
  }
}
