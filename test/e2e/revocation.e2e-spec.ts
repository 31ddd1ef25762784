import { getDataSourceToken } from '@nestjs/typeorm';
import {
  ClientRepository,
  OAuthAccessTokenEntity,
  OAuthRefreshTokenEntity,
  PasswordGrantEvents,
  TokenRepository,
} from 'nestjs-password-grant';
import type request from 'supertest';
import type { DataSource, Logger } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startCustomInstance,
  startSecondInstance,
  type Instance,
} from '../support/custom-instance.js';
import { databaseKinds } from '../support/databases.js';
import { basic, startTestApp, type TestApp } from '../support/test-app.js';
import {
  digest,
  login,
  me,
  post,
  refresh,
  waitFor,
} from '../support/token-flows.js';

/** revocation.maxStaleness by default; waits allow twice as much. */
const BOUND_MS = 3000;
const WAIT_MS = BOUND_MS * 2;

/** Records every SQL statement a DataSource runs, until stopped. */
function recordQueries(dataSource: DataSource) {
  const queries: string[] = [];
  const logger = dataSource.logger;
  const recording: Logger = Object.create(logger, {
    logQuery: {
      value: (query: string) => {
        queries.push(query);
      },
    },
  }) as Logger;
  Object.defineProperty(dataSource, 'logger', {
    value: recording,
    configurable: true,
    writable: true,
  });
  return {
    queries,
    stop: () =>
      Object.defineProperty(dataSource, 'logger', {
        value: logger,
        configurable: true,
        writable: true,
      }),
  };
}

const isRevocationPoll = (query: string) =>
  /FROM "?oauth_access_tokens"?/.test(query) && query.includes('revoked_at');

describe.each(databaseKinds())('token revocation ($name)', kind => {
  let t: TestApp;
  let auth: string;

  beforeAll(async () => {
    t = await startTestApp(kind, 'express');
    auth = basic(t.demo.clientId, t.demo.clientSecret);
  });
  afterAll(() => t?.close());

  const dataSource = () => t.app.get<DataSource>(getDataSourceToken());
  const revoke = (form: Record<string, string>, authorization = auth) =>
    post(t.server, '/oauth/revoke', form, authorization);
  const refusedBy = (server: Instance['server'], token: string) =>
    waitFor(async () => (await me(server, token)).status === 401, WAIT_MS);

  function expectNoStore(res: request.Response) {
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['pragma']).toBe('no-cache');
  }

  describe('POST /oauth/revoke (RFC 7009)', () => {
    it('A27/A30: revoking a refresh token → 200; it no longer refreshes and its access token is refused', async () => {
      const tokens = await login(t.server, t.demo);
      const res = await revoke({ token: tokens.refresh_token });
      expect(res.status).toBe(200);
      expectNoStore(res);
      const again = await refresh(t.server, auth, tokens.refresh_token);
      expect(again.status).toBe(400);
      expect(again.body.error).toBe('invalid_grant');
      await refusedBy(t.server, tokens.access_token);
    });

    it('revoking an access token revokes its grant, refresh token included', async () => {
      const tokens = await login(t.server, t.demo);
      const res = await revoke({
        token: tokens.access_token,
        token_type_hint: 'access_token',
      });
      expect(res.status).toBe(200);
      await refusedBy(t.server, tokens.access_token);
      const again = await refresh(t.server, auth, tokens.refresh_token);
      expect(again.body.error).toBe('invalid_grant');
    });

    it('A28: unknown tokens get 200; a wrong or unknown hint still finds the token', async () => {
      for (const form of [
        { token: 'garbage' },
        { token: 'x'.repeat(43), token_type_hint: 'refresh_token' },
        { token: 'a.b.c', token_type_hint: 'foo' },
      ]) {
        expect((await revoke(form)).status).toBe(200);
      }
      const tokens = await login(t.server, t.demo);
      const res = await revoke({
        token: tokens.refresh_token,
        token_type_hint: 'access_token',
      });
      expect(res.status).toBe(200);
      const row = await dataSource()
        .getRepository(OAuthRefreshTokenEntity)
        .findOneByOrFail({ tokenHash: digest(tokens.refresh_token) });
      expect(row.revoked).toBe(true);
      const other = await login(t.server, t.demo);
      expect(
        (
          await revoke({
            token: other.access_token,
            token_type_hint: 'refresh_token',
          })
        ).status,
      ).toBe(200);
      await refusedBy(t.server, other.access_token);
    });

    it("A29: another client's token is refused (400 unauthorized_client) and stays valid", async () => {
      const created = await t.app
        .get(ClientRepository)
        .createPasswordClient({ name: 'Intruder' });
      const intruder = basic(created.client.id, created.plainSecret!);
      const tokens = await login(t.server, t.demo);
      for (const token of [tokens.refresh_token, tokens.access_token]) {
        const res = await revoke({ token }, intruder);
        expect(res.status).toBe(400);
        expect(res.body.error).toBe('unauthorized_client');
        expectNoStore(res);
      }
      expect((await me(t.server, tokens.access_token)).status).toBe(200);
      const res = await refresh(t.server, auth, tokens.refresh_token);
      expect(res.status).toBe(200);
    });

    it('A31: without client authentication → 401 invalid_client; without token → 400 invalid_request', async () => {
      const tokens = await login(t.server, t.demo);
      const res = await post(t.server, '/oauth/revoke', {
        token: tokens.refresh_token,
      });
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
      expectNoStore(res);
      const wrong = await revoke(
        { token: tokens.refresh_token },
        basic(t.demo.clientId, 'wrong'),
      );
      expect(wrong.status).toBe(401);
      expect(wrong.headers['www-authenticate']).toMatch(/^Basic realm=/);
      const missing = await revoke({});
      expect(missing.status).toBe(400);
      expect(missing.body.error).toBe('invalid_request');
      expect((await refresh(t.server, auth, tokens.refresh_token)).status).toBe(
        200,
      );
    });
  });

  describe('TokenRepository and ClientRepository.revoke (SPEC §3.4)', () => {
    it('revokes one access token by jti, and emits an event without token values', async () => {
      const events: string[] = [];
      const stop = t.app.get(PasswordGrantEvents).on('token.revoked', event => {
        events.push(JSON.stringify(event));
      });
      const tokens = await login(t.server, t.demo);
      const jti = (
        await dataSource()
          .getRepository(OAuthRefreshTokenEntity)
          .findOneByOrFail({ tokenHash: digest(tokens.refresh_token) })
      ).accessTokenId;
      expect(await t.app.get(TokenRepository).revokeAccessToken(jti)).toBe(
        true,
      );
      await refusedBy(t.server, tokens.access_token);
      stop();
      expect(events).toEqual([
        JSON.stringify({ by: 'access_token', id: jti, accessTokens: 1 }),
      ]);
    });

    it("revokes all of a user's tokens", async () => {
      const a = await login(t.server, t.demo);
      const b = await login(t.server, t.demo);
      const sub = (await me(t.server, a.access_token)).body.id as number;
      const count = await t.app
        .get(TokenRepository)
        .revokeUserTokens(String(sub));
      expect(count).toBeGreaterThanOrEqual(2);
      await refusedBy(t.server, a.access_token);
      await refusedBy(t.server, b.access_token);
      expect((await refresh(t.server, auth, b.refresh_token)).status).toBe(400);
      const fresh = await login(t.server, t.demo);
      expect((await me(t.server, fresh.access_token)).status).toBe(200);
    });

    it("ClientRepository.revoke stops the client's tokens at the guard", async () => {
      const clients = t.app.get(ClientRepository);
      const created = await clients.createPasswordClient({ name: 'Doomed' });
      const res = await post(
        t.server,
        '/oauth/token',
        {
          grant_type: 'password',
          username: t.demo.username,
          password: t.demo.password,
        },
        basic(created.client.id, created.plainSecret!),
      );
      expect(res.status).toBe(200);
      expect((await me(t.server, res.body.access_token)).status).toBe(200);
      await clients.revoke(created.client.id);
      await refusedBy(t.server, res.body.access_token);
    });
  });

  describe('revocation reaching every instance (SPEC §5.4)', () => {
    let b: Instance;
    /** `/admin` runs no query of its own: only the guard protects it. */
    const admin = (token: string) => me(b.server, token, '/admin');
    const adminLogin = () => login(t.server, t.demo, 'read admin');

    beforeAll(async () => {
      b = await startSecondInstance(t);
    });
    afterAll(() => b?.close());

    it('a token revoked through A is refused by B within the bound', async () => {
      const tokens = await adminLogin();
      expect((await admin(tokens.access_token)).status).toBe(200);
      expect((await revoke({ token: tokens.access_token })).status).toBe(200);
      const delay = await waitFor(
        async () => (await admin(tokens.access_token)).status === 401,
        WAIT_MS,
      );
      console.log(
        `[revocation] ${kind.name}: refused by the second instance after ${delay.toFixed(0)} ms`,
      );
      expect(delay).toBeLessThan(WAIT_MS);
    });

    it('B runs no query per guarded request; only the interval refresh reads the database', async () => {
      const tokens = await adminLogin();
      expect((await admin(tokens.access_token)).status).toBe(200);
      const recorder = recordQueries(b.dataSource);
      const started = performance.now();
      try {
        for (let i = 0; i < 200; i++) {
          expect((await admin(tokens.access_token)).status).toBe(200);
        }
      } finally {
        recorder.stop();
      }
      const elapsed = performance.now() - started;
      const others = recorder.queries.filter(q => !isRevocationPoll(q));
      expect(others).toEqual([]);
      // At most three statements a round (new rows, a count of the last
      // seconds, and rarely that window again), one round a second.
      const rounds = Math.ceil(elapsed / 1000) + 2;
      expect(recorder.queries.length).toBeLessThanOrEqual(3 * rounds);
    });

    it('guards fail closed with 503 when the store cannot be read past the bound, and recover', async () => {
      const tokens = await adminLogin();
      expect((await admin(tokens.access_token)).status).toBe(200);
      await b.dataSource.destroy();
      let last: request.Response | undefined;
      await waitFor(async () => {
        last = await admin(tokens.access_token);
        return last.status !== 200;
      }, WAIT_MS * 2);
      expect(last!.status).toBe(503);
      expect(last!.body.error).toBe('temporarily_unavailable');
      expect(last!.headers['retry-after']).toBeDefined();
      const res = await admin(tokens.access_token);
      expect(res.status).toBe(503);
      await b.dataSource.initialize();
      await waitFor(
        async () => (await admin(tokens.access_token)).status === 200,
        WAIT_MS,
      );
    });
  });

  describe('strict mode', () => {
    let strict: Instance;

    beforeAll(async () => {
      strict = await startCustomInstance(t, { revocation: { strict: true } });
    });
    afterAll(() => strict?.close());

    it('checks the database on each request, so a revocation applies at once', async () => {
      const tokens = await login(t.server, t.demo);
      const recorder = recordQueries(strict.dataSource);
      const ok = await me(strict.server, tokens.access_token);
      recorder.stop();
      expect(ok.status).toBe(200);
      expect(
        recorder.queries.some(q => /FROM "?oauth_access_tokens"?/.test(q)),
      ).toBe(true);
      await t.app.get(TokenRepository).revokeUserTokens(ok.body.sub as string);
      const res = await me(strict.server, tokens.access_token);
      expect(res.status).toBe(401);
    });

    it('answers 503 when the database cannot be read', async () => {
      const tokens = await login(t.server, t.demo);
      await strict.dataSource.destroy();
      const res = await me(strict.server, tokens.access_token);
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBeDefined();
      await strict.dataSource.initialize();
      expect((await me(strict.server, tokens.access_token)).status).toBe(200);
    });
  });

  it('keeps the revoked rows: every revoked access token has revoked_at', async () => {
    const rows = await dataSource()
      .getRepository(OAuthAccessTokenEntity)
      .findBy({ revoked: true });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every(row => row.revokedAt instanceof Date)).toBe(true);
  });
});
