import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess } from '../support/app-process.js';
import {
  startFaultEnvironment,
  type FaultEnvironment,
} from '../support/fault-env.js';
import { runLoad, sleep } from '../support/load.js';
import { send } from '../support/oauth-http.js';
import { postgresBinDir, type PgCluster } from '../support/pg-cluster.js';

const LOAD_MS = 20_000;
const RESTART_AT_MS = 5000;
/** SECURITY D4: 503s only within 2 s of the restart. */
const WINDOW_MS = 2000;
/** SECURITY D4: at least 99 % success from 5 s after the restart. */
const SETTLED_AFTER_MS = 5000;

describe.skipIf(!postgresBinDir())(
  'examples/basic while PostgreSQL restarts under load (D4)',
  () => {
    let env: FaultEnvironment;
    let cluster: PgCluster;
    let app: AppProcess;

    beforeAll(async () => {
      env = await startFaultEnvironment();
      ({ cluster, app } = env);
    });
    afterAll(() => env?.close());

    /** A token request of an unknown client: one database read, then 401. */
    const unknownClient = async () => {
      const res = await send(`${app.baseUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'password',
          client_id: randomUUID(),
          client_secret: 'not-a-secret',
          username: 'nobody@example.com',
          password: 'x',
        }).toString(),
      });
      return res.status;
    };

    it('answers only 2xx, 4xx or 503; 503 only around the restart; ≥ 99 % success 5 s after it', async () => {
      const origin = performance.now();
      const restart = (async () => {
        await sleep(RESTART_AT_MS);
        const start = performance.now() - origin;
        await cluster.restart();
        return { start, end: performance.now() - origin };
      })();
      const samples = await runLoad({
        origin,
        durationMs: LOAD_MS,
        concurrency: 20,
        maxRequests: 100_000,
        send: unknownClient,
      });
      const { start, end } = await restart;

      const statuses = new Set(samples.map(s => s.status));
      const unexpected = [...statuses].filter(
        status => status !== 503 && (status < 200 || status >= 500),
      );
      expect(unexpected).toEqual([]);
      const unavailable = samples.filter(s => s.status === 503);
      for (const s of unavailable) {
        expect(s.end).toBeGreaterThanOrEqual(start);
        expect(s.start).toBeLessThanOrEqual(end + WINDOW_MS);
      }
      const settled = samples.filter(s => s.start >= end + SETTLED_AFTER_MS);
      const ok = settled.filter(s => s.status === 401).length;
      expect(settled.length).toBeGreaterThan(100);
      expect(ok / settled.length).toBeGreaterThanOrEqual(0.99);
      expect(app.alive()).toBe(true);

      const window = unavailable.length
        ? Math.max(...unavailable.map(s => s.end)) -
          Math.min(...unavailable.map(s => s.start))
        : 0;
      console.log(
        `[D4] ${samples.length} requests in ${LOAD_MS / 1000} s; pg_ctl restart took ${(end - start).toFixed(0)} ms; ${unavailable.length} × 503 over ${window.toFixed(0)} ms; ${((100 * ok) / settled.length).toFixed(2)} % success from restart + 5 s`,
      );
    });
  },
);
