import { execFile, execFileSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const PG_LIB = '/usr/lib/postgresql';

/**
 * The newest PostgreSQL server binaries of Debian's packages, or undefined
 * when the server is not installed.
 */
export function postgresBinDir(): string | undefined {
  if (!existsSync(PG_LIB)) return undefined;
  const versions = readdirSync(PG_LIB)
    .filter(v => existsSync(join(PG_LIB, v, 'bin', 'initdb')))
    .sort((a, b) => Number(a) - Number(b));
  const newest = versions.at(-1);
  return newest ? join(PG_LIB, newest, 'bin') : undefined;
}

/** A port nothing listens on right now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A PostgreSQL cluster of its own in a temporary folder, on 127.0.0.1 and a
 * free port, that a fault test may stop, restart and break. It never
 * touches the shared server.
 */
export interface PgCluster {
  port: number;
  /** `postgres://postgres@127.0.0.1:<port>/<database>`. */
  url(database?: string): string;
  createDatabase(name: string): Promise<string>;
  /** `pg_ctl stop -m immediate`: the server is gone at once. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** `pg_ctl restart -m fast`. */
  restart(): Promise<void>;
  /** Kills the server sessions of one `application_name`; how many. */
  terminateBackends(applicationName: string): Promise<number>;
  /** Runs SQL on a database of the cluster with a short-lived client. */
  query(
    database: string,
    sql: string,
    params?: unknown[],
  ): Promise<pg.QueryResult>;
  destroy(): Promise<void>;
}

/** Runs a server binary as `postgres` when we are root (initdb refuses root). */
function asPostgres(bin: string, args: string[]) {
  return isRoot()
    ? run('runuser', ['-u', 'postgres', '--', bin, ...args])
    : run(bin, args);
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export async function startPgCluster(): Promise<PgCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('The PostgreSQL server binaries are missing.');
  const dir = mkdtempSync(join(tmpdir(), 'password-grant-pg-'));
  if (isRoot()) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout), Number(gid));
  }
  const data = join(dir, 'data');
  const port = await freePort();
  const pgCtl = (...args: string[]) =>
    asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-w', ...args]);
  const serverOptions = [
    '-c listen_addresses=127.0.0.1',
    `-p ${port}`,
    `-k ${dir}`,
    // Speed without losing commits on `stop -m immediate`: the WAL still
    // reaches the OS before a commit returns (synchronous_commit stays on).
    '-c fsync=off',
  ].join(' ');
  await asPostgres(join(bin, 'initdb'), [
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'postgres',
    '--no-sync',
  ]);
  const start = () =>
    pgCtl('-l', join(dir, 'server.log'), '-o', serverOptions, 'start');
  await start();
  // A test run that dies leaves no server behind.
  process.once('exit', () => {
    if (!existsSync(join(data, 'postmaster.pid'))) return;
    const stop = [join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop'];
    const [file, ...args] = isRoot()
      ? ['runuser', '-u', 'postgres', '--', ...stop]
      : stop;
    execFileSync(file, args, { stdio: 'ignore' });
  });

  const url = (database = 'postgres') =>
    `postgres://postgres@127.0.0.1:${port}/${database}`;
  const query = async (database: string, sql: string, params?: unknown[]) => {
    const client = new pg.Client({
      connectionString: url(database),
      connectionTimeoutMillis: 2000,
    });
    await client.connect();
    try {
      return await client.query(sql, params);
    } finally {
      await client.end();
    }
  };
  return {
    port,
    url,
    query,
    async createDatabase(name) {
      await query('postgres', `CREATE DATABASE ${name}`);
      return url(name);
    },
    stop: async () => void (await pgCtl('-m', 'immediate', 'stop')),
    start: async () => void (await start()),
    restart: async () =>
      void (await pgCtl(
        '-m',
        'fast',
        '-l',
        join(dir, 'server.log'),
        '-o',
        serverOptions,
        'restart',
      )),
    async terminateBackends(applicationName) {
      const result = await query(
        'postgres',
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
        [applicationName],
      );
      return result.rowCount ?? 0;
    },
    async destroy() {
      await pgCtl('-m', 'immediate', 'stop').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
