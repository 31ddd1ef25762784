import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import { issueDemoToken } from '../support/issued-token.js';
import { basic, startTestApp, type TestApp } from '../support/test-app.js';

const adapters = ['express', 'fastify'] as const;
const cases = databaseKinds().flatMap(kind =>
  adapters.map(adapter => ({
    kind,
    adapter,
    label: `${kind.name} + ${adapter}`,
  })),
);

describe.each(cases)(
  'PasswordGrantGuard and the example routes ($label)',
  ({ kind, adapter }) => {
    let t: TestApp;
    let readToken: string;
    let adminToken: string;
    let claims: jwt.JwtPayload;
    let kid: string;
    let key: KeyObject;

    const login = async (scope: string) =>
      (await issueDemoToken(t, scope)).token;

    /** A token signed with the app's real key, with claims changed. */
    const forge = (
      changes: Record<string, unknown>,
      header: Record<string, unknown> = {},
    ) =>
      jwt.sign({ ...claims, ...changes }, key, {
        algorithm: 'RS256',
        header: { alg: 'RS256', typ: 'at+jwt', kid, ...header },
      });

    const me = (authorization?: string) => {
      const req = request(t.server).get('/me');
      return authorization ? req.set('Authorization', authorization) : req;
    };

    function expectInvalidToken(res: request.Response) {
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_token');
      expect(res.headers['www-authenticate']).toMatch(
        /^Bearer realm="api", error="invalid_token"/,
      );
    }

    beforeAll(async () => {
      t = await startTestApp(kind, adapter);
      const issued = await issueDemoToken(t, 'read');
      ({ token: readToken, claims, kid, key } = issued);
      adminToken = await login('read admin');
    });
    afterAll(() => t?.close());

    it('returns the user without its password for a valid token', async () => {
      const res = await me(`Bearer ${readToken}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        id: 1,
        name: 'Demo User',
        email: t.demo.username,
      });
    });

    it('accepts the scheme in any case and extra spaces (RFC 6750 §2.1)', async () => {
      expect((await me(`bearer ${readToken}`)).status).toBe(200);
      expect((await me(`Bearer   ${readToken}`)).status).toBe(200);
    });

    it('answers 401 with a bare Bearer challenge when no token is sent (RFC 6750 §3.1)', async () => {
      const res = await me();
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
      expect(JSON.stringify(res.body)).not.toContain('invalid_token');
    });

    it('treats another scheme or a query token as no credentials', async () => {
      const basicAuth = await me('Basic dXNlcjpwYXNz');
      expect(basicAuth.status).toBe(401);
      expect(basicAuth.headers['www-authenticate']).toBe('Bearer realm="api"');
      const query = await request(t.server).get(
        `/me?access_token=${readToken}`,
      );
      expect(query.status).toBe(401);
      expect(query.headers['www-authenticate']).toBe('Bearer realm="api"');
    });

    it.each([
      ['garbage', 'not-a-token'],
      ['three garbage segments', 'a.b.c'],
      ['a refresh token', 'refresh'],
      ['a truncated signature', 'truncated'],
      ['two tokens', 'two'],
    ])('answers 401 invalid_token for %s (RFC 6750 §3.1)', async (_, kind) => {
      const value =
        kind === 'truncated'
          ? readToken.slice(0, -10)
          : kind === 'two'
            ? `${readToken} ${readToken}`
            : kind === 'refresh'
              ? 'FxZhvkCVfbi-lv3w-4DMxbGeXeprkBflNu5HkofUL_k'
              : kind;
      expectInvalidToken(await me(`Bearer ${value}`));
    });

    const now = () => Math.floor(Date.now() / 1000);
    it.each([
      ['an expired token', () => ({ exp: now() - 120 }), {}],
      ['a token not valid yet', () => ({ nbf: now() + 600 }), {}],
      ['another issuer', () => ({ iss: 'https://evil.example.com' }), {}],
      ['an issuer with a trailing slash', () => ({ iss: `${t.issuer}/` }), {}],
      [
        'another audience',
        () => ({ aud: 'https://other-api.example.com' }),
        {},
      ],
      ['no sub', () => ({ sub: undefined }), {}],
      ['no client_id', () => ({ client_id: undefined }), {}],
      ['no jti', () => ({ jti: undefined }), {}],
      ['a typ of JWT', () => ({}), { typ: 'JWT' }],
      ['no typ', () => ({}), { typ: undefined }],
      ['an unknown kid', () => ({}), { kid: 'unknown' }],
    ])(
      'refuses %s signed with the real key (RFC 9068 §4)',
      async (_, changes, header) => {
        expectInvalidToken(await me(`Bearer ${forge(changes(), header)}`));
      },
    );

    it('accepts a forged-but-correct token, so the refusals above test one change each', async () => {
      const res = await me(`Bearer ${forge({})}`);
      expect(res.status).toBe(200);
    });

    it('refuses alg none (RFC 8725 §3.2)', async () => {
      const [, payload] = readToken.split('.');
      const header = Buffer.from(
        JSON.stringify({ alg: 'none', typ: 'at+jwt', kid }),
      ).toString('base64url');
      expectInvalidToken(await me(`Bearer ${header}.${payload}.`));
    });

    it('refuses an HS256 token keyed with the public key (RFC 8725 §3.1)', async () => {
      const publicPem = readFileSync(
        join(t.keysDir, 'oauth-public.key'),
        'utf8',
      );
      const [, payload] = readToken.split('.');
      const header = Buffer.from(
        JSON.stringify({ alg: 'HS256', typ: 'at+jwt', kid }),
      ).toString('base64url');
      const { createHmac } = await import('node:crypto');
      const signature = createHmac('sha256', publicPem)
        .update(`${header}.${payload}`)
        .digest('base64url');
      expectInvalidToken(await me(`Bearer ${header}.${payload}.${signature}`));
    });

    it('answers 403 insufficient_scope with the needed scope (RFC 6750 §3.1)', async () => {
      const res = await request(t.server)
        .get('/admin')
        .set('Authorization', `Bearer ${readToken}`);
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('insufficient_scope');
      expect(res.headers['www-authenticate']).toMatch(
        /error="insufficient_scope".*scope="admin"/,
      );
    });

    it('lets a token with the scope through, and * satisfies any scope', async () => {
      const admin = await request(t.server)
        .get('/admin')
        .set('Authorization', `Bearer ${adminToken}`);
      expect(admin.status).toBe(200);
      const star = await login('*');
      const res = await request(t.server)
        .get('/admin')
        .set('Authorization', `Bearer ${star}`);
      expect(res.status).toBe(200);
    });

    it('lets @Public routes through the global guard', async () => {
      const res = await request(t.server)
        .post('/users')
        .send({
          name: 'Ana',
          email: `ana-${adapter}@example.com`,
          password: 'correct horse',
        });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        name: 'Ana',
        email: `ana-${adapter}@example.com`,
      });
      const token = await request(t.server)
        .post('/oauth/token')
        .set('Authorization', basic(t.demo.clientId, t.demo.clientSecret))
        .type('form')
        .send({
          grant_type: 'password',
          username: `ana-${adapter}@example.com`,
          password: 'correct horse',
        });
      expect(token.status).toBe(200);
    });

    it('answers 409 when the email is taken and 400 with field messages on bad input', async () => {
      const taken = await request(t.server).post('/users').send({
        name: 'Dup',
        email: t.demo.username,
        password: 'correct horse',
      });
      expect(taken.status).toBe(409);
      const bad = await request(t.server)
        .post('/users')
        .send({ name: '', email: 'nope', password: 'x' });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/email/),
          expect.stringMatching(/password/),
          expect.stringMatching(/name/),
        ]),
      );
    });

    it('never touches a route handler when the guard refuses', async () => {
      const res = await request(t.server).get('/admin');
      expect(res.status).toBe(401);
      expect(res.body.message).toBe('Unauthorized');
    });
  },
);
