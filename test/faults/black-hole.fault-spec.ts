import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess, PrintedDemo } from '../support/app-process.js';
import {
  startFaultEnvironment,
  type FaultEnvironment,
} from '../support/fault-env.js';
import { eventually, runLoad } from '../support/load.js';
import { LEAK, passwordGrant, type Answer } from '../support/oauth-http.js';
import { postgresBinDir } from '../support/pg-cluster.js';
import type { TcpProxy } from '../support/tcp-proxy.js';

/** SECURITY D3: connect timeout 1 s + statement timeout 2 s. */
const BLACK_HOLE_BOUND_MS = 3000;
/** examples/basic POSTGRES_POOL_LIMITS.max. */
const POOL_MAX = 10;
const BURST = 300;

describe.skipIf(!postgresBinDir())(
  'examples/basic behind a PostgreSQL that accepts connections and never answers',
  () => {
    let env: FaultEnvironment;
    let proxy: TcpProxy;
    let app: AppProcess;
    let demo: PrintedDemo;

    beforeAll(async () => {
      env = await startFaultEnvironment({ proxy: true });
      proxy = env.proxy!;
      app = env.app;
      demo = app.demo!;
    });
    afterAll(() => env?.close());

    const expectUnavailable = (res: Answer) => {
      expect(res.status).toBe(503);
      expect(res.body.error).toBe('temporarily_unavailable');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(res.text).not.toMatch(LEAK);
      expect(res.ms).toBeLessThan(BLACK_HOLE_BOUND_MS);
    };

    it('answers 503 within 3 s, keeps the waiting requests and the connections bounded, and recovers by itself (D3)', async () => {
      expect((await passwordGrant(app.baseUrl, demo)).status).toBe(200);
      proxy.setMode('black-hole');

      const first = await passwordGrant(app.baseUrl, demo);
      expectUnavailable(first);

      let mostConnections = 0;
      const watch = setInterval(() => {
        mostConnections = Math.max(mostConnections, proxy.connections());
      }, 20);
      const burst = await Promise.all(
        Array.from({ length: BURST }, () => passwordGrant(app.baseUrl, demo)),
      );
      clearInterval(watch);
      burst.forEach(expectUnavailable);
      // The pool's connections, plus at most one that timed out and is
      // being replaced while its close is still on the way to the proxy.
      expect(mostConnections).toBeLessThanOrEqual(POOL_MAX + 1);
      const slowest = Math.max(...burst.map(a => a.ms));
      console.log(
        `[D3] black hole: first 503 in ${first.ms.toFixed(0)} ms; ${BURST} at once, slowest 503 in ${slowest.toFixed(0)} ms; at most ${mostConnections} connections open`,
      );

      proxy.setMode('pass');
      const resumedIn = await eventually(
        async () => (await passwordGrant(app.baseUrl, demo)).status === 200,
        15_000,
      );
      console.log(
        `[D3] service back ${resumedIn.toFixed(0)} ms after the database answered again`,
      );
      expect(app.alive()).toBe(true);
    });

    it('memory does not grow during 10 s of requests into the black hole (D3)', async () => {
      proxy.setMode('black-hole');
      const warmUp = await runLoad({
        durationMs: 2000,
        concurrency: 20,
        maxRequests: 2000,
        send: async () => (await passwordGrant(app.baseUrl, demo)).status,
      });
      const before = app.rss();
      const samples = await runLoad({
        durationMs: 10_000,
        concurrency: 20,
        maxRequests: 20_000,
        send: async () => (await passwordGrant(app.baseUrl, demo)).status,
      });
      const grown = app.rss() - before;
      proxy.setMode('pass');
      const statuses = new Set([...warmUp, ...samples].map(s => s.status));
      expect(statuses).toEqual(new Set([503]));
      const slowest = Math.max(...samples.map(s => s.end - s.start));
      expect(slowest).toBeLessThan(BLACK_HOLE_BOUND_MS);
      console.log(
        `[D3] ${samples.length} requests in 10 s into the black hole: all 503, slowest ${slowest.toFixed(0)} ms, RSS ${(grown / 2 ** 20).toFixed(1)} MB`,
      );
      expect(grown).toBeLessThan(50 * 2 ** 20);
      await eventually(
        async () => (await passwordGrant(app.baseUrl, demo)).status === 200,
        15_000,
      );
    });
  },
);
