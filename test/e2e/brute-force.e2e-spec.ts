import bcrypt from 'bcrypt';
import { createApp, readConfig } from 'example-basic';
import { availableParallelism } from 'node:os';
import request from 'supertest';
import {
  afterAll,
  afterEach,
  beforeAll,
  describe,
  expect,
  it,
  vi,
} from 'vitest';
import { databaseKinds } from '../support/databases.js';
import { basic, startTestApp, type TestApp } from '../support/test-app.js';

/** Counts bcrypt compares made by the app (same process, same module). */
function countCompares() {
  const hashes: string[] = [];
  let running = 0;
  let peak = 0;
  const original = bcrypt.compare.bind(bcrypt) as (
    data: string,
    hash: string,
  ) => Promise<boolean>;
  const counted = async (data: string, hash: string): Promise<boolean> => {
    hashes.push(hash);
    running += 1;
    peak = Math.max(peak, running);
    try {
      return await original(data, hash);
    } finally {
      running -= 1;
    }
  };
  const spy = vi.spyOn(bcrypt, 'compare').mockImplementation(counted as never);
  return {
    get count() {
      return hashes.length;
    },
    get peak() {
      return peak;
    },
    hashes,
    restore: () => spy.mockRestore(),
  };
}

describe.each(databaseKinds())('brute-force defence ($name)', kind => {
  let t: TestApp;
  const apps: TestApp[] = [];
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  async function start(env: NodeJS.ProcessEnv) {
    t = await startTestApp(kind, 'express', undefined, {
      THROTTLE_ENABLED: 'true',
      ...env,
    });
    apps.push(t);
    return t;
  }
  const login = (
    app: TestApp,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ) =>
    request(app.server)
      .post('/oauth/token')
      .set('Authorization', basic(app.demo.clientId, app.demo.clientSecret))
      .set(headers)
      .type('form')
      .send({
        grant_type: 'password',
        username: app.demo.username,
        password: app.demo.password,
        ...fields,
      });

  describe('per-address limit (SPEC §7.1)', () => {
    beforeAll(() => start({ THROTTLE_PER_MINUTE: '10' }));

    it('answers the 11th request of a minute with 429 and Retry-After, before any bcrypt (SECURITY B6)', async () => {
      const compares = countCompares();
      for (let i = 0; i < 10; i++) {
        const res = await login(t, {
          username: `user${i}@example.com`,
          password: 'wrong-password',
        });
        expect(res.status).toBe(400);
      }
      const limited = await login(t, {
        username: 'user10@example.com',
        password: 'wrong-password',
      });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(limited.headers['cache-control']).toBe('no-store');
      expect(compares.count).toBe(10);
    });

    it('is not fooled by a spoofed X-Forwarded-For without a trusted proxy (SECURITY B7)', async () => {
      const res = await login(t, {}, { 'X-Forwarded-For': '198.51.100.99' });
      expect(res.status).toBe(429);
    });
  });

  describe('per-account lockout (SPEC §7.2)', () => {
    beforeAll(() => start({ THROTTLE_PER_MINUTE: '1000' }));

    it('answers a locked account byte-for-byte like a wrong password, even with the right one (SECURITY B2, B3)', async () => {
      for (let i = 0; i < 5; i++) {
        expect((await login(t, { password: `wrong-${i}` })).status).toBe(400);
      }
      const compares = countCompares();
      const locked = await login(t, {});
      const unknown = await login(t, {
        username: 'nobody@example.com',
        password: 'whatever',
      });
      expect(locked.status).toBe(400);
      expect(locked.text).toBe(unknown.text);
      expect(
        compares.hashes.filter(hash => hash.startsWith('$2b$10$')).length,
      ).toBe(compares.count);
    });

    it('does not lock other accounts', async () => {
      const other = await request(t.server).post('/users').send({
        name: 'Other',
        email: 'other@example.com',
        password: 'other-password',
      });
      expect(other.status).toBe(201);
      expect(
        (
          await login(t, {
            username: 'other@example.com',
            password: 'other-password',
          })
        ).status,
      ).toBe(200);
    });
  });

  describe('client-secret guessing (SPEC §7.3, SECURITY B11)', () => {
    beforeAll(() => start({ THROTTLE_PER_MINUTE: '1000' }));

    it('answers 429 after 10 wrong secrets for one client', async () => {
      for (let i = 0; i < 10; i++) {
        const res = await login(
          t,
          {},
          { Authorization: basic(t.demo.clientId, `guess-${i}`) },
        );
        expect(res.status).toBe(401);
      }
      const res = await login(
        t,
        {},
        { Authorization: basic(t.demo.clientId, 'guess-10') },
      );
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBeDefined();
    });
  });

  describe('equal and bounded work (SPEC §7.5, §7.6)', () => {
    beforeAll(() => start({ THROTTLE_PER_MINUTE: '100000' }));

    it('spends one bcrypt at the same cost on an unknown user as on a wrong password (SECURITY B10)', async () => {
      const compares = countCompares();
      await login(t, {
        username: 'ghost@example.com',
        password: 'wrong-password',
      });
      expect(compares.count).toBe(1);
      await login(t, {
        username: 'ghost2@example.com',
        password: 'wrong-password',
      });
      expect(compares.count).toBe(2);
      const cost = (hash: string) => hash.slice(0, 7);
      const registered = await request(t.server).post('/users').send({
        name: 'Cost',
        email: 'cost@example.com',
        password: 'cost-password',
      });
      expect(registered.status).toBe(201);
      await login(t, {
        username: 'cost@example.com',
        password: 'wrong-password',
      });
      expect(compares.count).toBe(3);
      expect(new Set(compares.hashes.map(cost))).toEqual(new Set(['$2b$10$']));
    });

    it.each([
      ['a password over 72 bytes', { password: '😃'.repeat(18) + 'x' }],
      ['a control character', { password: 'pass\u0000word' }],
      ['a repeated parameter', { 'password[]': 'x' }],
    ])(
      'refuses %s with invalid_request and no bcrypt (SECURITY B14, B15)',
      async (_, fields) => {
        const compares = countCompares();
        const res = await login(t, fields);
        expect(res.status).toBe(400);
        expect(res.body.error).toBe('invalid_request');
        expect(compares.count).toBe(0);
      },
    );

    it('runs at most one bcrypt check per core at once and sheds the excess with 503 (SECURITY D8)', async () => {
      const compares = countCompares();
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          login(t, {
            username: `flood${i}@example.com`,
            password: 'wrong-password',
          }),
        ),
      );
      const statuses = results.map(res => res.status);
      expect(statuses.every(status => status === 400 || status === 503)).toBe(
        true,
      );
      expect(statuses.filter(status => status === 503).length).toBeGreaterThan(
        0,
      );
      const shed = results.find(res => res.status === 503)!;
      expect(shed.body.error).toBe('temporarily_unavailable');
      expect(shed.headers['retry-after']).toBeDefined();
      expect(compares.peak).toBeLessThanOrEqual(availableParallelism());
    });
  });

  describe('counters shared through the database (SPEC §7.4)', () => {
    it('applies one per-address limit across two instances', async () => {
      const env = { THROTTLE_PER_MINUTE: '6', THROTTLE_STORE: 'database' };
      const first = await start(env);
      const config = readConfig({
        ...env,
        THROTTLE_ENABLED: 'true',
        DATABASE_URL: first.databaseUrl,
        PASSWORD_GRANT_KEYS_DIR: first.keysDir,
        SEED_DEMO: 'false',
      });
      const second = await createApp(config, { logger: false });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 8; i++) {
          const server =
            i % 2 === 0 ? first.server : second.app.getHttpServer();
          const res = await request(server)
            .post('/oauth/token')
            .set(
              'Authorization',
              basic(first.demo.clientId, first.demo.clientSecret),
            )
            .type('form')
            .send({
              grant_type: 'password',
              username: `shared${i}@example.com`,
              password: 'wrong-password',
            });
          statuses.push(res.status);
        }
        expect(statuses).toEqual([400, 400, 400, 400, 400, 400, 429, 429]);
      } finally {
        await second.app.close();
      }
    });
  });
});
