import {
  createHmac,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { PUBLIC_KEY_FILE } from 'nestjs-password-grant';
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
import { b64, issueDemoToken } from '../support/issued-token.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('token forgery is refused by the guard (SECURITY C1–C13)', () => {
  let t: TestApp;
  let claims: jwt.JwtPayload;
  let kid: string;
  let privateKey: KeyObject;
  let publicPem: string;
  let attacker: Server;
  let attackerUrl: string;
  let attackerHits = 0;
  const attackerKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });

  beforeAll(async () => {
    t = await startTestApp(databaseKinds()[0], 'express');
    ({ claims, kid, key: privateKey } = await issueDemoToken(t));
    publicPem = readFileSync(join(t.keysDir, PUBLIC_KEY_FILE), 'utf8');
    attacker = createServer((_, response) => {
      attackerHits += 1;
      response.end(
        JSON.stringify({
          keys: [attackerKeys.publicKey.export({ format: 'jwk' })],
        }),
      );
    });
    await new Promise<void>(resolve =>
      attacker.listen(0, '127.0.0.1', resolve),
    );
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise(resolve => attacker?.close(resolve));
    await t?.close();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const me = (token: string) =>
    request(t.server).get('/me').set('Authorization', `Bearer ${token}`);
  const sign = (
    payload: Record<string, unknown>,
    header: Record<string, unknown> = {},
    key: KeyObject = privateKey,
    algorithm: jwt.Algorithm = 'RS256',
  ) =>
    jwt.sign(payload, key, {
      algorithm,
      header: { alg: algorithm, typ: 'at+jwt', kid, ...header },
    });
  const hmac = (
    secret: string | Buffer,
    header: Record<string, unknown> = {},
  ) => {
    const head = b64({ alg: 'HS256', typ: 'at+jwt', kid, ...header });
    const body = b64(claims);
    return `${head}.${body}.${createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
  };
  async function refused(token: string) {
    const res = await me(token);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
  }

  it('accepts the genuine token and its media-type form of typ (RFC 9068 §4)', async () => {
    expect((await me(sign(claims))).status).toBe(200);
    expect((await me(sign(claims, { typ: 'application/AT+JWT' }))).status).toBe(
      200,
    );
    expect(
      (await me(sign({ ...claims, aud: ['other', claims.aud] }))).status,
    ).toBe(200);
  });

  it.each(['none', 'None', 'NONE'])(
    'refuses alg %s (RFC 8725 §3.2)',
    async alg => {
      await refused(`${b64({ alg, typ: 'at+jwt', kid })}.${b64(claims)}.`);
    },
  );

  it('refuses HS256 keyed with any encoding of the public key (CVE-2015-9235)', async () => {
    const key = createPublicKey(publicPem);
    const encodings: (string | Buffer)[] = [
      publicPem,
      publicPem.trim(),
      key.export({ format: 'der', type: 'spki' }),
      JSON.stringify(key.export({ format: 'jwk' })),
      key.export({ format: 'pem', type: 'pkcs1' }).toString(),
    ];
    for (const secret of encodings) await refused(hmac(secret));
  });

  it.each(['RS384', 'RS512', 'PS256'] as const)(
    'refuses %s under the real key (RFC 8725 §3.1)',
    async algorithm => {
      await refused(sign(claims, {}, privateKey, algorithm));
    },
  );

  it('never fetches keys named by the token (jwk, jku, x5u, x5c) (RFC 8725 §3.10)', async () => {
    const jwk = attackerKeys.publicKey.export({ format: 'jwk' });
    const forged = (header: Record<string, unknown>) =>
      sign(claims, header, attackerKeys.privateKey);
    await refused(forged({ jwk }));
    await refused(forged({ jku: `${attackerUrl}/jwks` }));
    await refused(forged({ x5u: `${attackerUrl}/cert` }));
    await refused(
      forged({ x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] }),
    );
    await refused(forged({ kid: 'attacker', jku: `${attackerUrl}/jwks` }));
    expect(attackerHits).toBe(0);
  });

  it.each([
    ['a path', '../../../../dev/null'],
    ['SQL', "' OR '1'='1"],
    ['10 KB', 'k'.repeat(10_240)],
    ['a number', 42],
    ['an object', { $ne: null }],
  ])(
    'refuses a kid that is %s without a 5xx (RFC 8725 §3.10)',
    async (_, value) => {
      await refused(sign(claims, { kid: value }));
    },
  );

  it('refuses tampered payloads, stripped and borrowed signatures (RFC 8725 §3.3)', async () => {
    const genuine = sign(claims);
    const [head, body, signature] = genuine.split('.');
    await refused(`${head}.${b64({ ...claims, sub: '2' })}.${signature}`);
    await refused(`${head}.${body}.`);
    await refused(`${head}.${body}`);
    const other = sign({ ...claims, sub: '2' }).split('.')[2];
    await refused(`${head}.${body}.${other}`);
  });

  it('applies a 30 s leeway to exp and nbf, exact to the second (RFC 7519 §4.1.4)', async () => {
    const now = Math.floor(Date.now() / 1000);
    vi.useFakeTimers({ toFake: ['Date'], now: now * 1000 });
    expect(
      (await me(sign({ ...claims, iat: now - 100, exp: now - 29 }))).status,
    ).toBe(200);
    await refused(sign({ ...claims, iat: now - 100, exp: now - 31 }));
    expect((await me(sign({ ...claims, nbf: now + 29 }))).status).toBe(200);
    await refused(sign({ ...claims, nbf: now + 31 }));
  });

  it('refuses a critical header extension it does not understand (RFC 7515 §4.1.11)', async () => {
    await refused(sign(claims, { crit: ['exp'] }));
    await refused(
      sign(claims, {
        crit: ['urn:example:unknown'],
        'urn:example:unknown': true,
      }),
    );
  });

  it('answers a 9 KB bearer token with 401 (SECURITY C26)', async () => {
    await refused('a'.repeat(9 * 1024));
  });
});
