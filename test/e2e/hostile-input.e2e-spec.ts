import { createSign, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import { b64, issueDemoToken } from '../support/issued-token.js';
import { basic, startTestApp, type TestApp } from '../support/test-app.js';

describe('hostile input (SECURITY E3–E10)', () => {
  let t: TestApp;
  let claims: jwt.JwtPayload;
  let kid: string;
  let key: KeyObject;
  let auth: string;

  beforeAll(async () => {
    t = await startTestApp(databaseKinds()[0], 'express');
    auth = basic(t.demo.clientId, t.demo.clientSecret);
    ({ claims, kid, key } = await issueDemoToken(t));
  });
  afterAll(() => t?.close());

  const me = (authorization: string) =>
    request(t.server).get('/me').set('Authorization', authorization);
  /** Signs any payload as-is (jsonwebtoken refuses odd claim types). */
  const sign = (payload: Record<string, unknown>) => {
    const input = `${b64({ alg: 'RS256', typ: 'at+jwt', kid })}.${b64(payload)}`;
    const signature = createSign('RSA-SHA256').update(input).sign(key);
    return `${input}.${signature.toString('base64url')}`;
  };
  const token = (form: Record<string, string>) =>
    request(t.server)
      .post('/oauth/token')
      .set('Authorization', auth)
      .type('form')
      .send(form);

  async function refused(value: string) {
    const res = await me(`Bearer ${value}`);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
  }

  it.each([
    ['one segment', () => 'abc'],
    ['two segments', () => 'abc.def'],
    ['four segments', () => `${sign(claims)}.abc`],
    ['empty segments', () => '..'],
    ['non-base64url characters', () => 'a*b.c!d.e$f'],
    ['a header that is an array', () => `${b64([])}.${b64(claims)}.sig`],
    ['a header that is a string', () => `${b64('x')}.${b64(claims)}.sig`],
    [
      'a payload that is a number',
      () => `${b64({ alg: 'RS256', typ: 'at+jwt', kid })}.${b64(1)}.sig`,
    ],
    [
      'alg that is not a string',
      () => `${b64({ alg: 1, typ: 'at+jwt', kid })}.${b64(claims)}.sig`,
    ],
  ])('refuses a token with %s (E3)', async (_, make) => {
    await refused(make());
  });

  it.each([
    ['exp as a string', { exp: '9999999999' }],
    ['exp as a float', { exp: Math.floor(Date.now() / 1000) + 100.5 }],
    ['exp negative', { exp: -1 }],
    ['exp 1e308', { exp: 1e308 }],
    ['exp null', { exp: null }],
    ['sub as a number', { sub: 1 }],
    ['sub as an object', { sub: { id: 1 } }],
    ['aud empty', { aud: [] }],
    ['iat in the far future', { iat: Math.floor(Date.now() / 1000) + 86_400 }],
    ['scopes not an array', { scopes: 'admin' }],
  ])(
    'refuses %s even when signed with the real key (E4)',
    async (_, changes) => {
      await refused(sign({ ...claims, ...changes }));
    },
  );

  it.each([
    ['10 KB', 'r'.repeat(10_240)],
    ['SQL', "' OR 1=1--"],
    ['non-VSCHAR bytes', 'abc\u0001\u0002'],
    ['a JWT access token', 'ACCESS'],
  ])(
    'answers a refresh token that is %s with 400 and no 5xx (E5)',
    async (_, value) => {
      const res = await request(t.server)
        .post('/oauth/token')
        .set('Authorization', auth)
        .type('form')
        .send({
          grant_type: 'refresh_token',
          refresh_token: value === 'ACCESS' ? sign(claims) : value,
        });
      expect(res.status).toBe(400);
      expect(['invalid_grant', 'invalid_request']).toContain(res.body.error);
    },
  );

  it.each([
    ["' OR '1'='1", 'invalid_grant'],
    ["admin'--", 'invalid_grant'],
    ['%00', 'invalid_grant'],
    ['u'.repeat(10_240), 'invalid_request'],
  ])('answers the username %j without a 5xx (E6)', async (username, error) => {
    const res = await token({
      grant_type: 'password',
      username,
      password: 'whatever-password',
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(error);
  });

  it('compares passwords as exact bytes: the NFD form of an NFC password fails (E7)', async () => {
    const nfc = 'contrase\u00f1a-segura';
    const register = await request(t.server)
      .post('/users')
      .send({ name: 'Unicode', email: 'unicode@example.com', password: nfc });
    expect(register.status).toBe(201);
    const ok = await token({
      grant_type: 'password',
      username: 'unicode@example.com',
      password: nfc,
    });
    expect(ok.status).toBe(200);
    const nfd = await token({
      grant_type: 'password',
      username: 'unicode@example.com',
      password: nfc.normalize('NFD'),
    });
    expect(nfd.status).toBe(400);
    expect(nfd.body.error).toBe('invalid_grant');
  });

  it('survives header abuse: a cookie token, a 16 KB header (E8)', async () => {
    const cookie = await request(t.server)
      .get('/me')
      .set('Cookie', `access_token=${sign(claims)}`);
    expect(cookie.status).toBe(401);
    const huge = await request(t.server)
      .get('/me')
      .set('X-Padding', 'p'.repeat(17 * 1024))
      .catch(() => null);
    if (huge) expect(huge.status).toBe(431);
  });

  it.each([
    ['a latin1 charset', 'application/x-www-form-urlencoded; charset=latin1'],
    ['multipart/form-data', 'multipart/form-data; boundary=x'],
    ['text/plain', 'text/plain'],
  ])(
    'answers a body sent as %s with 4xx and an OAuth error, never 5xx (E9)',
    async (_, type) => {
      const res = await request(t.server)
        .post('/oauth/token')
        .set('Authorization', auth)
        .set('Content-Type', type)
        .send('grant_type=password&username=a&password=b');
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(typeof res.body.error).toBe('string');
    },
  );

  it('treats an empty or blank scope as omitted, folds duplicates, refuses 1000 unknown ones (E10)', async () => {
    const login = {
      grant_type: 'password',
      username: t.demo.username,
      password: t.demo.password,
    };
    const empty = await token({ ...login, scope: '' });
    expect(empty.status).toBe(200);
    expect(empty.body.scope).toBe('read');
    const blank = await token({ ...login, scope: '  ' });
    expect(blank.status).toBe(200);
    const dup = await token({ ...login, scope: 'read read' });
    expect(dup.status).toBe(200);
    expect(
      (jwt.decode(dup.body.access_token as string) as jwt.JwtPayload).scopes,
    ).toEqual(['read']);
    const many = await token({
      ...login,
      scope: Array.from({ length: 1000 }, (_, i) => `s${i}`).join(' '),
    });
    expect(many.status).toBe(400);
    expect(many.body.error).toBe('invalid_scope');
  });
});
