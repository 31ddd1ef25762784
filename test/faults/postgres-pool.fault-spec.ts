import {
  boundedPostgresDriver,
  POSTGRES_POOL_LIMITS,
  postgresPoolOptions,
} from 'example-basic';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  postgresBinDir,
  startPgCluster,
  type PgCluster,
} from '../support/pg-cluster.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

const { max, maxWaiting } = POSTGRES_POOL_LIMITS;

describe.skipIf(!postgresBinDir())(
  "examples/basic's bounded PostgreSQL pool",
  () => {
    let cluster: PgCluster;
    let proxy: TcpProxy;
    let pool: pg.Pool;

    beforeAll(async () => {
      cluster = await startPgCluster();
      proxy = await startTcpProxy(cluster.port);
    });
    afterEach(async () => {
      proxy.setMode('pass');
      await pool?.end();
    });
    afterAll(async () => {
      await proxy?.close();
      await cluster?.destroy();
    });

    const newPool = () => {
      const driver = boundedPostgresDriver();
      pool = new driver.Pool({
        connectionString: `postgres://postgres@127.0.0.1:${proxy.port}/postgres`,
        ...postgresPoolOptions(),
      });
      return pool;
    };
    const codeOf = (result: PromiseSettledResult<unknown>) =>
      result.status === 'rejected'
        ? String((result.reason as { code?: unknown }).code)
        : 'connected';

    it(`refuses requests beyond ${maxWaiting} waiting at once, and fails the others together when the database is silent`, async () => {
      proxy.setMode('black-hole');
      const pool = newPool();
      const results = await Promise.allSettled(
        Array.from({ length: maxWaiting + 50 }, () => pool.connect()),
      );
      const codes = results.map(codeOf);
      expect(codes.filter(c => c === '53300')).toHaveLength(50);
      expect(codes).not.toContain('connected');
      // One request saw its connection time out; the others were failed
      // with it as the cause.
      expect(codes.filter(c => c === '08006')).toHaveLength(maxWaiting - 1);
      expect(proxy.connections()).toBeLessThanOrEqual(max);

      proxy.setMode('pass');
      const client = await pool.connect();
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([
        { one: 1 },
      ]);
      client.release();
    });

    it('abandons a statement the server never answers after the query timeout, and closes that connection', async () => {
      const pool = newPool();
      const client = await pool.connect();
      // As TypeORM does while it holds a connection.
      client.on('error', () => undefined);
      await client.query('SELECT 1');
      proxy.setMode('black-hole');
      await expect(client.query('SELECT 1')).rejects.toThrow(
        'Query read timeout',
      );
      client.release();
      proxy.setMode('pass');
      const next = await pool.connect();
      expect(next).not.toBe(client);
      expect((await next.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
      next.release();
    });

    it('has the server cancel a statement that runs past the statement timeout', async () => {
      const pool = newPool();
      const started = performance.now();
      const error = await pool.query('SELECT pg_sleep(10)').then(
        () => null,
        (e: unknown) => e as Error & { code?: string },
      );
      expect(error).not.toBeNull();
      // The server's cancel (57014) and the client's read timeout fire at
      // the same 2 s; either way the statement does not run on.
      expect([error?.code, error?.message]).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^57014$|^Query read timeout$/),
        ]),
      );
      expect(performance.now() - started).toBeLessThan(5000);
    });
  },
);
