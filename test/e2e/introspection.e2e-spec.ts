import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { ClientRepository, PRIVATE_KEY_FILE } from 'nestjs-password-grant';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startCustomInstance,
  type Instance,
} from '../support/custom-instance.js';
import { databaseKinds } from '../support/databases.js';
import { basic, startTestApp, type TestApp } from '../support/test-app.js';
import { login, post, refresh } from '../support/token-flows.js';

const INACTIVE = { active: false };

describe.each(databaseKinds())('POST /oauth/introspect ($name)', kind => {
  let t: TestApp;
  let auth: string;
  let otherAuth: string;

  beforeAll(async () => {
    t = await startTestApp(kind, 'express');
    auth = basic(t.demo.clientId, t.demo.clientSecret);
    const other = await t.app
      .get(ClientRepository)
      .createPasswordClient({ name: 'Other' });
    otherAuth = basic(other.client.id, other.plainSecret!);
  });
  afterAll(() => t?.close());

  const introspect = (form: Record<string, string>, authorization = auth) =>
    post(t.server, '/oauth/introspect', form, authorization);

  /** The demo's access token with some claims replaced, signed again. */
  function forge(token: string, claims: Record<string, unknown>): string {
    const decoded = jwt.decode(token, { complete: true })!;
    const key = readFileSync(join(t.keysDir, PRIVATE_KEY_FILE), 'utf8');
    return jwt.sign({ ...(decoded.payload as object), ...claims }, key, {
      algorithm: 'RS256',
      header: decoded.header,
    });
  }

  it('describes an active access token (RFC 7662 §2.2)', async () => {
    const tokens = await login(t.server, t.demo, 'read write');
    const res = await introspect({ token: tokens.access_token });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['pragma']).toBe('no-cache');
    const claims = jwt.decode(tokens.access_token) as Record<string, unknown>;
    expect(res.body).toEqual({
      active: true,
      token_type: 'Bearer',
      scope: 'read write',
      client_id: t.demo.clientId,
      sub: claims.sub,
      exp: claims.exp,
      iat: claims.iat,
      iss: t.issuer,
      aud: claims.aud,
      jti: claims.jti,
    });
  });

  it('describes an active refresh token, with its original scope', async () => {
    const tokens = await login(t.server, t.demo, 'read write');
    const narrowed = await refresh(t.server, auth, tokens.refresh_token, {
      scope: 'read',
    });
    const res = await introspect({
      token: narrowed.body.refresh_token,
      token_type_hint: 'refresh_token',
    });
    expect(res.body).toMatchObject({
      active: true,
      token_type: 'refresh_token',
      scope: 'read write',
      client_id: t.demo.clientId,
    });
    expect(typeof res.body.exp).toBe('number');
    expect(typeof res.body.iat).toBe('number');
  });

  it('A35/A36: unknown, revoked, consumed, expired, not yet valid and forged tokens → exactly {"active":false}', async () => {
    const revoked = await login(t.server, t.demo);
    await post(
      t.server,
      '/oauth/revoke',
      { token: revoked.refresh_token },
      auth,
    );
    const consumed = await login(t.server, t.demo);
    await refresh(t.server, auth, consumed.refresh_token);
    const live = await login(t.server, t.demo);
    const now = Math.floor(Date.now() / 1000);
    const [head, body] = live.access_token.split('.');
    const tokens = [
      'garbage',
      'x'.repeat(43),
      revoked.access_token,
      revoked.refresh_token,
      consumed.refresh_token,
      forge(live.access_token, { exp: now - 120, iat: now - 3720 }),
      forge(live.access_token, { nbf: now + 3600 }),
      `${head}.${body}.${'A'.repeat(342)}`,
    ];
    for (const token of tokens) {
      for (const hint of ['access_token', 'refresh_token']) {
        const res = await introspect({ token, token_type_hint: hint });
        expect(res.status).toBe(200);
        expect(res.body).toStrictEqual(INACTIVE);
      }
    }
  });

  it("another client's token reads as inactive", async () => {
    const tokens = await login(t.server, t.demo);
    for (const token of [tokens.access_token, tokens.refresh_token]) {
      const res = await introspect({ token }, otherAuth);
      expect(res.body).toStrictEqual(INACTIVE);
    }
  });

  it('A34: no client authentication, a wrong secret or a public client → 401 invalid_client', async () => {
    const tokens = await login(t.server, t.demo);
    const none = await post(t.server, '/oauth/introspect', {
      token: tokens.access_token,
    });
    expect(none.status).toBe(401);
    expect(none.body.error).toBe('invalid_client');
    const wrong = await introspect(
      { token: tokens.access_token },
      basic(t.demo.clientId, 'wrong'),
    );
    expect(wrong.status).toBe(401);
    const pub = await t.app
      .get(ClientRepository)
      .createPasswordClient({ name: 'Mobile', public: true });
    const res = await post(t.server, '/oauth/introspect', {
      token: tokens.access_token,
      client_id: pub.client.id,
    });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('A37: GET is refused with 405; a missing token is invalid_request', async () => {
    const res = await request(t.server).get('/oauth/introspect?token=x');
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('POST');
    const missing = await introspect({});
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');
  });

  describe('switched off', () => {
    let off: Instance;

    beforeAll(async () => {
      off = await startCustomInstance(t, { introspection: false });
    });
    afterAll(() => off?.close());

    it('answers 404 and is not advertised', async () => {
      const tokens = await login(off.server, t.demo);
      const res = await post(
        off.server,
        '/oauth/introspect',
        { token: tokens.access_token },
        auth,
      );
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('active');
      const metadata = await request(off.server).get(
        '/.well-known/oauth-authorization-server',
      );
      expect(metadata.body.introspection_endpoint).toBeUndefined();
      expect(
        metadata.body.introspection_endpoint_auth_methods_supported,
      ).toBeUndefined();
    });
  });
});
