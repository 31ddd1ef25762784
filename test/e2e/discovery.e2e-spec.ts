import { createPublicKey, type JsonWebKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { login } from '../support/token-flows.js';

const adapters = ['express', 'fastify'] as const;
const cases = databaseKinds().flatMap(kind =>
  adapters.map(adapter => ({
    kind,
    adapter,
    label: `${kind.name} + ${adapter}`,
  })),
);

describe.each(cases)('discovery ($label)', ({ kind, adapter }) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(kind, adapter);
  });
  afterAll(() => t?.close());

  it('A38/A39: RFC 8414 metadata at the root, outside the route prefix', async () => {
    const res = await request(t.server).get(
      '/.well-known/oauth-authorization-server',
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const base = `${t.issuer}/oauth`;
    expect(res.body).toEqual({
      issuer: t.issuer,
      token_endpoint: `${base}/token`,
      jwks_uri: `${base}/jwks`,
      revocation_endpoint: `${base}/revoke`,
      introspection_endpoint: `${base}/introspect`,
      grant_types_supported: ['password', 'refresh_token'],
      token_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'none',
      ],
      revocation_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'none',
      ],
      introspection_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
      ],
      scopes_supported: ['read', 'write', 'admin'],
    });
    for (const value of Object.values(res.body as object)) {
      if (Array.isArray(value)) expect(value.length).toBeGreaterThan(0);
    }
    const tokens = await login(t.server, t.demo);
    expect((jwt.decode(tokens.access_token) as { iss: string }).iss).toBe(
      res.body.issuer,
    );
    const prefixed = await request(t.server).get(
      '/oauth/.well-known/oauth-authorization-server',
    );
    expect(prefixed.status).toBe(404);
  });

  it('A40: the JWKS holds public keys only, each with kid, alg and use "sig", and verifies issued tokens', async () => {
    const res = await request(t.server).get('/oauth/jwks');
    expect(res.status).toBe(200);
    const keys = res.body.keys as (JsonWebKey & Record<string, string>)[];
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatchObject({
        kid: expect.any(String),
        alg: 'RS256',
        use: 'sig',
      });
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) {
        expect(key).not.toHaveProperty(secret);
      }
    }
    const tokens = await login(t.server, t.demo);
    const header = jwt.decode(tokens.access_token, { complete: true })!.header;
    const key = keys.find(candidate => candidate.kid === header.kid)!;
    const publicKey = createPublicKey({ key, format: 'jwk' });
    expect(() =>
      jwt.verify(tokens.access_token, publicKey, { algorithms: ['RS256'] }),
    ).not.toThrow();
  });
});
