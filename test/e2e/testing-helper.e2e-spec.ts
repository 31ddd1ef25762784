import { getDataSourceToken } from '@nestjs/typeorm';
import jwt from 'jsonwebtoken';
import { ACTING_AS_CLIENT_ID, actingAs } from 'nestjs-password-grant';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

// actingAs() in a host app's own e2e tests, here examples/basic's: a token
// for a user and scopes without running the password grant.
describe.each(databaseKinds())('actingAs on examples/basic ($name)', kind => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(kind, 'express');
  });
  afterAll(() => t?.close());

  const get = (path: string, authorization: string) =>
    request(t.server).get(path).set('Authorization', authorization);

  it('acts as the demo user on a guarded route', async () => {
    const { authorization } = await actingAs(t.app, { userId: 1 });
    const res = await get('/me', authorization);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: 1,
      name: 'Demo User',
      email: t.demo.username,
    });
  });

  it('gives the token exactly the scopes asked for', async () => {
    const reader = await actingAs(t.app, { userId: 1, scopes: ['read'] });
    const denied = await get('/admin', reader.authorization);
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe('insufficient_scope');
    const admin = await actingAs(t.app, { userId: 1, scopes: ['admin'] });
    const allowed = await get('/admin', admin.authorization);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toEqual({
      message: 'Welcome to the admin area.',
      user_id: '1',
    });
  });

  it('issues a token shaped like the password grant issues them', async () => {
    const made = await actingAs(t.app, {
      userId: 1,
      clientId: t.demo.clientId,
      scopes: ['read', 'write'],
    });
    const decoded = jwt.decode(made.accessToken, { complete: true })!;
    expect(decoded.header).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    expect(decoded.payload).toMatchObject({
      iss: t.issuer,
      aud: t.issuer,
      sub: '1',
      client_id: t.demo.clientId,
      provider: 'users',
      scope: 'read write',
      scopes: ['read', 'write'],
      jti: made.jti,
    });
  });

  it('records the token in oauth_access_tokens', async () => {
    const made = await actingAs(t.app, { userId: 1 });
    const rows = await t.app
      .get<DataSource>(getDataSourceToken())
      .createQueryBuilder()
      .select(['t.user_id AS user_id', 't.client_id AS client_id'])
      .from('oauth_access_tokens', 't')
      .where('t.id = :jti', { jti: made.jti })
      .getRawMany();
    expect(rows).toEqual([{ user_id: '1', client_id: ACTING_AS_CLIENT_ID }]);
  });

  it('refuses a scope the app does not define', async () => {
    await expect(
      actingAs(t.app, { userId: 1, scopes: ['superuser'] }),
    ).rejects.toMatchObject({ code: 'ERR_PASSWORD_GRANT_INVALID_OPTIONS' });
  });
});
