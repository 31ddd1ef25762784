import { getDataSourceToken } from '@nestjs/typeorm';
import { createHash, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { ClientRepository, PUBLIC_KEY_FILE } from 'nestjs-password-grant';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import { basic, startTestApp, type TestApp } from '../support/test-app.js';

const adapters = ['express', 'fastify'] as const;
const cases = databaseKinds().flatMap(kind =>
  adapters.map(adapter => ({
    kind,
    adapter,
    label: `${kind.name} + ${adapter}`,
  })),
);

describe.each(cases)('POST /oauth/token ($label)', ({ kind, adapter }) => {
  let t: TestApp;
  let auth: string;

  beforeAll(async () => {
    t = await startTestApp(kind, adapter);
    auth = basic(t.demo.clientId, t.demo.clientSecret);
  });
  afterAll(() => t?.close());

  const token = (
    form: Record<string, string> | string,
    authorization?: string,
  ) => {
    const req = request(t.server).post('/oauth/token').type('form').send(form);
    return authorization ? req.set('Authorization', authorization) : req;
  };
  const login = (extra: Record<string, string> = {}) => ({
    grant_type: 'password',
    username: t.demo.username,
    password: t.demo.password,
    ...extra,
  });
  const dataSource = () => t.app.get<DataSource>(getDataSourceToken());

  function expectNoStore(res: request.Response) {
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['pragma']).toBe('no-cache');
  }

  function expectError(res: request.Response, status: number, error: string) {
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(error);
    expect(typeof res.body.error_description).toBe('string');
    expectNoStore(res);
    expect(JSON.stringify(res.body)).not.toMatch(
      /at \/|node_modules|SELECT|Error:/,
    );
  }

  describe('success (RFC 6749 §4.3.3, §5.1)', () => {
    it('returns Bearer tokens with no-store headers for HTTP Basic client authentication', async () => {
      const res = await token(login({ scope: 'read write' }), auth);
      expect(res.status).toBe(200);
      expectNoStore(res);
      expect(res.body).toEqual({
        token_type: 'Bearer',
        expires_in: 3600,
        access_token: expect.any(String),
        refresh_token: expect.any(String),
      });
    });

    it('accepts client credentials in the form body', async () => {
      const res = await token(
        login({
          client_id: t.demo.clientId,
          client_secret: t.demo.clientSecret,
        }),
      );
      expect(res.status).toBe(200);
    });

    it('accepts a JSON body', async () => {
      const res = await request(t.server)
        .post('/oauth/token')
        .set('Authorization', auth)
        .send(login());
      expect(res.status).toBe(200);
      expect(res.body.access_token).toEqual(expect.any(String));
    });

    it('accepts the Basic scheme in any case and ignores unknown parameters (RFC 6749 §3.2)', async () => {
      const res = await token(
        login({ foo: 'bar' }),
        auth.replace('Basic', 'bAsIc'),
      );
      expect(res.status).toBe(200);
    });

    it('issues an RFC 9068 access token signed with the configured key', async () => {
      const res = await token(login({ scope: 'read' }), auth);
      const publicKey = createPublicKey(
        readFileSync(join(t.keysDir, PUBLIC_KEY_FILE)),
      );
      const decoded = jwt.verify(res.body.access_token, publicKey, {
        algorithms: ['RS256'],
        complete: true,
      });
      expect(decoded.header).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
      expect(typeof decoded.header.kid).toBe('string');
      const claims = decoded.payload as jwt.JwtPayload;
      expect(claims).toMatchObject({
        iss: t.issuer,
        aud: t.issuer,
        sub: '1',
        client_id: t.demo.clientId,
        scope: 'read',
        scopes: ['read'],
      });
      expect(claims.exp! - claims.iat!).toBe(3600);
      expect(claims.nbf).toBe(claims.iat);
      expect(claims.jti).toMatch(/^[0-9a-f]{40}$/);
    });

    it('stores the refresh token only as its SHA-256 digest', async () => {
      const res = await token(login(), auth);
      const refresh: string = res.body.refresh_token;
      expect(Buffer.from(refresh, 'base64url').length).toBeGreaterThanOrEqual(
        32,
      );
      const digest = createHash('sha256').update(refresh).digest('hex');
      const rows = await dataSource().query(
        'SELECT token_hash FROM oauth_refresh_tokens',
      );
      const hashes = rows.map((row: { token_hash: string }) => row.token_hash);
      expect(hashes).toContain(digest);
      expect(JSON.stringify(rows)).not.toContain(refresh);
    });

    it('echoes the scope only when it differs from the request (RFC 6749 §3.3)', async () => {
      const same = await token(login({ scope: 'read' }), auth);
      expect(same.body.scope).toBeUndefined();
      const repeated = await token(login({ scope: 'write read read' }), auth);
      expect(repeated.body.scope).toBeUndefined();
      const none = await token(login(), auth);
      expect(none.body.scope).toBe('read');
      const claims = jwt.decode(none.body.access_token) as jwt.JwtPayload;
      expect(claims.scopes).toEqual(['read']);
    });

    it('lets a public client created without a secret use the grant', async () => {
      const created = await t.app
        .get(ClientRepository)
        .createPasswordClient({ name: 'Mobile', public: true });
      const res = await token(login({ client_id: created.client.id }));
      expect(res.status).toBe(200);
    });
  });

  describe('errors (SPEC §4.1)', () => {
    it.each([
      ['missing', {}],
      ['unsupported', { grant_type: 'client_credentials' }],
      ['of the wrong case', { grant_type: 'PASSWORD' }],
    ])('grant_type %s → 400 unsupported_grant_type', async (_, extra) => {
      const form: Record<string, string> = { ...login(), ...extra };
      if (!('grant_type' in extra)) delete form.grant_type;
      const res = await token(form, auth);
      expectError(res, 400, 'unsupported_grant_type');
    });

    it('never reads parameters from the query string', async () => {
      const query = new URLSearchParams(login()).toString();
      const res = await request(t.server)
        .post(`/oauth/token?${query}`)
        .set('Authorization', auth)
        .type('form')
        .send('');
      expectError(res, 400, 'unsupported_grant_type');
    });

    it('client_id missing → 400 invalid_request', async () => {
      const res = await token(login());
      expectError(res, 400, 'invalid_request');
    });

    it('a repeated parameter → 400 invalid_request (RFC 6749 §3.2)', async () => {
      const form = `${new URLSearchParams(login()).toString()}&username=other%40example.com`;
      const res = await token(form, auth);
      expectError(res, 400, 'invalid_request');
    });

    it('a bracketed (non-string) parameter → 400 invalid_request', async () => {
      const form = `grant_type=password&username=${encodeURIComponent(t.demo.username)}&password[$ne]=x`;
      const res = await token(form, auth);
      expectError(res, 400, 'invalid_request');
    });

    it('Basic and body client authentication at once → 400 invalid_request (RFC 6749 §2.3)', async () => {
      const res = await token(
        login({ client_secret: t.demo.clientSecret }),
        auth,
      );
      expectError(res, 400, 'invalid_request');
    });

    it('unknown client → 401 invalid_client', async () => {
      const res = await token(
        login({
          client_id: '00000000-0000-4000-8000-000000000000',
          client_secret: 'x',
        }),
      );
      expectError(res, 401, 'invalid_client');
      expect(res.headers['www-authenticate']).toBeUndefined();
    });

    it('wrong secret in the body → 401 invalid_client without a challenge', async () => {
      const res = await token(
        login({ client_id: t.demo.clientId, client_secret: 'wrong' }),
      );
      expectError(res, 401, 'invalid_client');
      expect(res.headers['www-authenticate']).toBeUndefined();
    });

    it('wrong secret through Basic → 401 invalid_client with WWW-Authenticate: Basic (RFC 6749 §5.2)', async () => {
      const res = await token(login(), basic(t.demo.clientId, 'wrong'));
      expectError(res, 401, 'invalid_client');
      expect(res.headers['www-authenticate']).toBe('Basic realm="api"');
    });

    it('unknown client and wrong secret get the same body', async () => {
      const unknown = await token(
        login(),
        basic('00000000-0000-4000-8000-000000000000', 'x'),
      );
      const wrong = await token(login(), basic(t.demo.clientId, 'x'));
      expect(unknown.text).toBe(wrong.text);
    });

    it('confidential client without a secret → 401 invalid_client', async () => {
      const res = await token(login({ client_id: t.demo.clientId }));
      expectError(res, 401, 'invalid_client');
    });

    it('revoked client → 401 invalid_client', async () => {
      const clients = t.app.get(ClientRepository);
      const created = await clients.createPasswordClient({ name: 'Old app' });
      await clients.revoke(created.client.id);
      const res = await token(
        login(),
        basic(created.client.id, created.plainSecret!),
      );
      expectError(res, 401, 'invalid_client');
    });

    it('client not allowed the password grant → 400 unauthorized_client', async () => {
      const created = await t.app
        .get(ClientRepository)
        .createPasswordClient({ name: 'Refresh only' });
      await dataSource().query(
        `UPDATE oauth_clients SET grant_types = 'refresh_token' WHERE id = '${created.client.id}'`,
      );
      const res = await token(
        login(),
        basic(created.client.id, created.plainSecret!),
      );
      expectError(res, 400, 'unauthorized_client');
    });

    it.each([
      ['unknown', 'read delete'],
      ['malformed', 'read "x"'],
    ])('%s scope → 400 invalid_scope', async (_, scope) => {
      const res = await token(login({ scope }), auth);
      expectError(res, 400, 'invalid_scope');
    });

    it('checks the client before the scope, and the scope before the user', async () => {
      const badClient = await token(
        login({ scope: 'nope', password: 'wrong' }),
        basic(t.demo.clientId, 'wrong'),
      );
      expect(badClient.body.error).toBe('invalid_client');
      const badScope = await token(
        login({ scope: 'nope', password: 'wrong' }),
        auth,
      );
      expect(badScope.body.error).toBe('invalid_scope');
    });

    it.each(['username', 'password'])(
      '%s missing → 400 invalid_request',
      async name => {
        const form: Record<string, string> = login();
        delete form[name];
        const res = await token(form, auth);
        expectError(res, 400, 'invalid_request');
      },
    );

    it('an empty password counts as omitted (RFC 6749 §3.2)', async () => {
      const res = await token(login({ password: '' }), auth);
      expectError(res, 400, 'invalid_request');
    });

    it('a password over 72 bytes is refused, never truncated', async () => {
      const res = await token(
        login({ password: `${t.demo.password}${'x'.repeat(80)}` }),
        auth,
      );
      expectError(res, 400, 'invalid_request');
    });

    it('a control character in the username → 400 invalid_request', async () => {
      const res = await token(
        login({ username: 'demo\u0000@example.com' }),
        auth,
      );
      expectError(res, 400, 'invalid_request');
    });

    it('wrong password → 400 invalid_grant', async () => {
      const res = await token(login({ password: 'not-the-password' }), auth);
      expectError(res, 400, 'invalid_grant');
    });

    it('unknown user and wrong password get byte-identical responses', async () => {
      const unknown = await token(
        login({ username: 'nobody@example.com' }),
        auth,
      );
      const wrong = await token(login({ password: 'not-the-password' }), auth);
      expect(unknown.status).toBe(400);
      expect(unknown.text).toBe(wrong.text);
      const names = (res: request.Response) =>
        Object.keys(res.headers)
          .filter(name => !['date', 'etag'].includes(name))
          .sort();
      expect(names(unknown)).toEqual(names(wrong));
    });

    it('GET /oauth/token is refused and never issues a token (RFC 6749 §3.2)', async () => {
      const query = new URLSearchParams(login()).toString();
      const res = await request(t.server)
        .get(`/oauth/token?${query}`)
        .set('Authorization', auth);
      expectError(res, 400, 'invalid_request');
      expect(res.headers['allow']).toBe('POST');
    });
  });
});
