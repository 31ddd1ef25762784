import { getDataSourceToken } from '@nestjs/typeorm';
import {
  ClientRepository,
  OAuthAccessTokenEntity,
  OAuthClientEntity,
  OAuthRefreshTokenEntity,
  PasswordGrantEvents,
} from 'nestjs-password-grant';
import type request from 'supertest';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startCustomInstance,
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

/** The default revocation bound (revocation.maxStaleness), with slack. */
const BOUND_MS = 3000 * 2;

describe.each(databaseKinds())('refresh_token grant ($name)', kind => {
  let t: TestApp;
  let auth: string;
  let other: string;

  beforeAll(async () => {
    t = await startTestApp(kind, 'express');
    auth = basic(t.demo.clientId, t.demo.clientSecret);
    const created = await t.app
      .get(ClientRepository)
      .createPasswordClient({ name: 'Other' });
    other = basic(created.client.id, created.plainSecret!);
  });
  afterAll(() => t?.close());

  const dataSource = () => t.app.get<DataSource>(getDataSourceToken());
  const refreshRow = (token: string) =>
    dataSource()
      .getRepository(OAuthRefreshTokenEntity)
      .findOneByOrFail({ tokenHash: digest(token) });

  function expectError(res: request.Response, status: number, error: string) {
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(error);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['pragma']).toBe('no-cache');
  }

  describe('RFC 6749 §6', () => {
    it('A18: a valid refresh token gives a new access token and a new refresh token', async () => {
      const first = await login(t.server, t.demo);
      const res = await refresh(t.server, auth, first.refresh_token);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        token_type: 'Bearer',
        expires_in: 3600,
        access_token: expect.any(String),
        refresh_token: expect.any(String),
        scope: 'read write',
      });
      expect(res.body.refresh_token).not.toBe(first.refresh_token);
      expect(res.body.access_token).not.toBe(first.access_token);
      expect((await me(t.server, res.body.access_token)).status).toBe(200);
      const [parent, child] = await Promise.all([
        refreshRow(first.refresh_token),
        refreshRow(res.body.refresh_token),
      ]);
      expect(child.grantId).toBe(parent.grantId);
      expect(child.parentId).toBe(parent.id);
      expect(parent.usedAt).not.toBeNull();
      expect(child.expiresAt.getTime()).toBe(parent.expiresAt.getTime());
    });

    it('rotation revokes the access token the refresh token came with', async () => {
      const first = await login(t.server, t.demo);
      const res = await refresh(t.server, auth, first.refresh_token);
      expect(res.status).toBe(200);
      const parent = await refreshRow(first.refresh_token);
      const oldAccess = await dataSource()
        .getRepository(OAuthAccessTokenEntity)
        .findOneByOrFail({ id: parent.accessTokenId });
      expect(oldAccess.revoked).toBe(true);
      await waitFor(
        async () => (await me(t.server, first.access_token)).status === 401,
        BOUND_MS,
      );
    });

    it('A19: a refresh token presented by another client → invalid_grant, and it still works for its own client', async () => {
      const first = await login(t.server, t.demo);
      expectError(
        await refresh(t.server, other, first.refresh_token),
        400,
        'invalid_grant',
      );
      expect((await refreshRow(first.refresh_token)).usedAt).toBeNull();
      const res = await refresh(t.server, auth, first.refresh_token);
      expect(res.status).toBe(200);
    });

    it('A20: a wider scope → invalid_scope; a narrower one narrows the access token only', async () => {
      const first = await login(t.server, t.demo, 'read');
      expectError(
        await refresh(t.server, auth, first.refresh_token, {
          scope: 'read write',
        }),
        400,
        'invalid_scope',
      );
      expect((await refreshRow(first.refresh_token)).usedAt).toBeNull();

      const wide = await login(t.server, t.demo, 'read write');
      const res = await refresh(t.server, auth, wide.refresh_token, {
        scope: 'read',
      });
      expect(res.status).toBe(200);
      expect(res.body.scope).toBeUndefined();
      expect((await me(t.server, res.body.access_token)).status).toBe(200);
      const access = await dataSource()
        .getRepository(OAuthAccessTokenEntity)
        .findOneByOrFail({
          id: (await refreshRow(res.body.refresh_token)).accessTokenId,
        });
      expect(access.scopes).toBe('read');
      expect((await refreshRow(res.body.refresh_token)).scopes).toBe(
        'read write',
      );
      const again = await refresh(t.server, auth, res.body.refresh_token, {
        scope: 'write',
      });
      expect(again.status).toBe(200);
    });

    it('A21: unknown, malformed, expired, idle and revoked refresh tokens → invalid_grant', async () => {
      for (const token of ['x'.repeat(43), 'not a token', 'a'.repeat(600)]) {
        expectError(await refresh(t.server, auth, token), 400, 'invalid_grant');
      }
      const repo = dataSource().getRepository(OAuthRefreshTokenEntity);
      const expired = await login(t.server, t.demo);
      await repo.update(
        { tokenHash: digest(expired.refresh_token) },
        { expiresAt: new Date(Date.now() - 1000) },
      );
      const idle = await login(t.server, t.demo);
      await repo.update(
        { tokenHash: digest(idle.refresh_token) },
        { createdAt: new Date(Date.now() - 15 * 24 * 3600 * 1000) },
      );
      const revoked = await login(t.server, t.demo);
      const revoke = await post(
        t.server,
        '/oauth/revoke',
        { token: revoked.refresh_token },
        auth,
      );
      expect(revoke.status).toBe(200);
      for (const token of [expired, idle, revoked]) {
        expectError(
          await refresh(t.server, auth, token.refresh_token),
          400,
          'invalid_grant',
        );
      }
    });

    it('A25: an access token presented as a refresh token → invalid_grant; a refresh token as a bearer token → 401', async () => {
      const first = await login(t.server, t.demo);
      expectError(
        await refresh(t.server, auth, first.access_token),
        400,
        'invalid_grant',
      );
      const res = await me(t.server, first.refresh_token);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toContain(
        'error="invalid_token"',
      );
    });

    it('missing refresh_token → invalid_request; no client → invalid_client', async () => {
      const res = await post(
        t.server,
        '/oauth/token',
        { grant_type: 'refresh_token' },
        auth,
      );
      expectError(res, 400, 'invalid_request');
      const first = await login(t.server, t.demo);
      expectError(
        await refresh(
          t.server,
          basic(t.demo.clientId, 'wrong'),
          first.refresh_token,
        ),
        401,
        'invalid_client',
      );
    });

    it('a client without the refresh_token grant → unauthorized_client', async () => {
      const created = await t.app
        .get(ClientRepository)
        .createPasswordClient({ name: 'Password only' });
      await dataSource()
        .getRepository(OAuthClientEntity)
        .update({ id: created.client.id }, { grantTypes: 'password' });
      const res = await refresh(
        t.server,
        basic(created.client.id, created.plainSecret!),
        'x'.repeat(43),
      );
      expectError(res, 400, 'unauthorized_client');
    });
  });

  describe('rotation and reuse detection (RFC 9700 §4.14.2)', () => {
    it('A22: R1 → R2; R1 again → invalid_grant; then R2 → invalid_grant and its access token is refused', async () => {
      const reused: string[] = [];
      const stop = t.app
        .get(PasswordGrantEvents)
        .on('refresh_token.reused', event => {
          reused.push(JSON.stringify(event));
        });
      const first = await login(t.server, t.demo);
      const second = await refresh(t.server, auth, first.refresh_token);
      expect(second.status).toBe(200);
      expect((await me(t.server, second.body.access_token)).status).toBe(200);

      expectError(
        await refresh(t.server, auth, first.refresh_token),
        400,
        'invalid_grant',
      );
      expectError(
        await refresh(t.server, auth, second.body.refresh_token),
        400,
        'invalid_grant',
      );
      await waitFor(
        async () =>
          (await me(t.server, second.body.access_token)).status === 401,
        BOUND_MS,
      );
      stop();
      const grantId = (await refreshRow(first.refresh_token)).grantId;
      expect(reused).toHaveLength(1);
      expect(reused[0]).toContain(grantId);
      expect(reused[0]).not.toContain(first.refresh_token);
      const rows = await dataSource()
        .getRepository(OAuthAccessTokenEntity)
        .findBy({ grantId });
      expect(rows.every(row => row.revoked && row.revokedAt)).toBe(true);
    });

    it('100 parallel refreshes of one token: one 200, 99 invalid_grant, one child row', async () => {
      const first = await login(t.server, t.demo);
      const parent = await refreshRow(first.refresh_token);
      const answers = await Promise.all(
        Array.from({ length: 100 }, () =>
          refresh(t.server, auth, first.refresh_token),
        ),
      );
      const statuses = answers.map(res => res.status);
      expect(statuses.filter(status => status === 200)).toHaveLength(1);
      expect(
        answers.filter(
          res => res.status === 400 && res.body.error === 'invalid_grant',
        ),
      ).toHaveLength(99);
      expect(statuses.filter(status => status >= 500)).toHaveLength(0);
      const children = await dataSource()
        .getRepository(OAuthRefreshTokenEntity)
        .countBy({ parentId: parent.id });
      expect(children).toBe(1);
    });
  });

  describe('options', () => {
    let relaxed: Instance;
    let graceful: Instance;

    beforeAll(async () => {
      relaxed = await startCustomInstance(t, {
        revokeRefreshTokenAfterUse: false,
      });
      graceful = await startCustomInstance(t, { refreshTokenReuseGrace: 10 });
    });
    afterAll(async () => {
      await relaxed?.close();
      await graceful?.close();
    });

    it('revokeRefreshTokenAfterUse: false keeps the used refresh token valid', async () => {
      const first = await login(relaxed.server, t.demo);
      const a = await refresh(relaxed.server, auth, first.refresh_token);
      const b = await refresh(relaxed.server, auth, first.refresh_token);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(b.body.refresh_token).not.toBe(a.body.refresh_token);
    });

    it('A24: the grace period accepts only the immediately previous token', async () => {
      const r1 = (await login(graceful.server, t.demo)).refresh_token;
      const r2 = await refresh(graceful.server, auth, r1);
      expect(r2.status).toBe(200);
      const retried = await refresh(graceful.server, auth, r1);
      expect(retried.status).toBe(200);
      const r3 = await refresh(
        graceful.server,
        auth,
        retried.body.refresh_token,
      );
      expect(r3.status).toBe(200);
      expectError(
        await refresh(graceful.server, auth, r1),
        400,
        'invalid_grant',
      );
      expectError(
        await refresh(graceful.server, auth, r3.body.refresh_token),
        400,
        'invalid_grant',
      );
    });
  });
});
