import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startAppProcess,
  type AppProcess,
  type PrintedDemo,
} from '../support/app-process.js';
import {
  me,
  passwordGrant,
  refreshGrant,
  revoke,
} from '../support/oauth-http.js';
import {
  postgresBinDir,
  startPgCluster,
  type PgCluster,
} from '../support/pg-cluster.js';

/** SPEC §5.4 default: a revocation reaches every instance within 3 s. */
const REVOCATION_BOUND_MS = 3000;
const PARALLEL_REFRESHES = 500;

describe.skipIf(!postgresBinDir())(
  'three instances of examples/basic (Express, Fastify, Express) on one PostgreSQL database',
  () => {
    let cluster: PgCluster;
    let keysDir: string;
    const apps: AppProcess[] = [];
    let demo: PrintedDemo;

    beforeAll(async () => {
      cluster = await startPgCluster();
      const databaseUrl = await cluster.createDatabase('instances');
      keysDir = mkdtempSync(join(tmpdir(), 'password-grant-keys-'));
      const env = {
        DATABASE_URL: databaseUrl,
        PASSWORD_GRANT_KEYS_DIR: keysDir,
        // One issuer for all: the guards check `iss`.
        ISSUER: 'http://127.0.0.1:3000',
      };
      // The first start migrates, makes the keys and seeds; the others
      // start on the migrated database with the same keys.
      apps.push(await startAppProcess({ ...env, SEED_DEMO: '1' }));
      demo = apps[0].demo!;
      expect(demo).toBeTruthy();
      // The second instance runs on Fastify: tokens cross adapters too.
      for (const adapter of ['fastify', 'express']) {
        apps.push(
          await startAppProcess({
            ...env,
            SEED_DEMO: '0',
            HTTP_ADAPTER: adapter,
          }),
        );
      }
      expect(apps.map(app => app.demo)).toEqual([demo, null, null]);
    });

    afterAll(async () => {
      await Promise.all(apps.map(app => app.stop()));
      await cluster?.destroy();
      if (keysDir) rmSync(keysDir, { recursive: true, force: true });
    });

    const login = async (app: AppProcess) => {
      const res = await passwordGrant(app.baseUrl, demo);
      expect(res.status).toBe(200);
      return res.body as { access_token: string; refresh_token: string };
    };

    it('a token issued by one instance is accepted by every other', async () => {
      for (const issuer of apps) {
        const { access_token } = await login(issuer);
        for (const app of apps) {
          const res = await me(app.baseUrl, access_token);
          expect(res.status).toBe(200);
          expect(res.body.email).toBe(demo.username);
        }
      }
    });

    it('a refresh token issued by one instance is used once through another', async () => {
      const { refresh_token } = await login(apps[0]);
      const first = await refreshGrant(apps[1].baseUrl, demo, refresh_token);
      expect(first.status).toBe(200);
      const again = await refreshGrant(apps[2].baseUrl, demo, refresh_token);
      expect(again.status).toBe(400);
      expect(again.body.error).toBe('invalid_grant');
    });

    it('a revocation through one instance is refused by the others within the bound (SPEC §5.4)', async () => {
      const { access_token } = await login(apps[0]);
      for (const app of apps) {
        expect((await me(app.baseUrl, access_token)).status).toBe(200);
      }
      expect((await revoke(apps[0].baseUrl, demo, access_token)).status).toBe(
        200,
      );
      // Waiting the bound out, then every instance must refuse the token.
      await new Promise(resolve => setTimeout(resolve, REVOCATION_BOUND_MS));
      for (const app of apps) {
        const res = await me(app.baseUrl, access_token);
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(
          /error="invalid_token"/,
        );
      }
    });

    it(`${PARALLEL_REFRESHES} parallel refreshes of one token over the instances: exactly one 200, no 5xx (RFC 9700 §4.14.2)`, async () => {
      const { refresh_token } = await login(apps[0]);
      const answers = await Promise.all(
        Array.from({ length: PARALLEL_REFRESHES }, (_, i) =>
          refreshGrant(apps[i % apps.length].baseUrl, demo, refresh_token),
        ),
      );
      const statuses = answers.map(a => a.status);
      const slowest = Math.max(...answers.map(a => a.ms));
      console.log(
        `[D1] ${PARALLEL_REFRESHES} parallel refreshes over 3 instances: slowest answer ${slowest.toFixed(0)} ms`,
      );
      expect(statuses.filter(s => s === 200)).toHaveLength(1);
      expect(statuses.filter(s => s >= 500)).toEqual([]);
      const refused = answers.filter(a => a.status !== 200);
      expect(new Set(refused.map(a => a.status))).toEqual(new Set([400]));
      expect(new Set(refused.map(a => a.body.error))).toEqual(
        new Set(['invalid_grant']),
      );
      const children = await cluster.query(
        'instances',
        `SELECT count(*)::int AS n FROM oauth_refresh_tokens child
           JOIN oauth_refresh_tokens parent ON child.parent_id = parent.id
          WHERE parent.token_hash = $1`,
        [createHash('sha256').update(refresh_token).digest('hex')],
      );
      expect(children.rows[0]).toEqual({ n: 1 });
    });

    it('a restarted instance accepts every token issued before its restart (D12)', async () => {
      const issued = [];
      for (const app of apps) issued.push(await login(app));
      await apps[1].restart();
      for (const { access_token } of issued) {
        const res = await me(apps[1].baseUrl, access_token);
        expect(res.status).toBe(200);
      }
      const refreshed = await refreshGrant(
        apps[1].baseUrl,
        demo,
        issued[0].refresh_token,
      );
      expect(refreshed.status).toBe(200);
    });
  },
);
