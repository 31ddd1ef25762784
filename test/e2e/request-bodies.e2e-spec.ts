import request from 'supertest';
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

/** Bodies the parsers of Express and Fastify reject before any controller. */
const rejectedBodies: [string, string, string, number][] = [
  ['truncated JSON', 'application/json', '{"grant_type":', 400],
  ['JSON with a trailing comma', 'application/json', '{"a":1,}', 400],
  [
    'a 1 MB form',
    'application/x-www-form-urlencoded',
    `grant_type=password&x=${'a'.repeat(1024 * 1024)}`,
    413,
  ],
  [
    'a 1 MB JSON object',
    'application/json',
    JSON.stringify({ x: 'a'.repeat(1024 * 1024) }),
    413,
  ],
];

describe.each(cases)(
  'request bodies on the OAuth routes ($label)',
  ({ kind, adapter }) => {
    let t: TestApp;
    let auth: string;

    beforeAll(async () => {
      t = await startTestApp(kind, adapter);
      auth = basic(t.demo.clientId, t.demo.clientSecret);
    });
    afterAll(() => t?.close());

    it('a JSON body gets tokens like a form body', async () => {
      const res = await request(t.server)
        .post('/oauth/token')
        .set('Authorization', auth)
        .set('Content-Type', 'application/json')
        .send(
          JSON.stringify({
            grant_type: 'password',
            username: t.demo.username,
            password: t.demo.password,
          }),
        );
      expect(res.status).toBe(200);
      expect(res.body.token_type).toBe('Bearer');
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it.each(rejectedBodies)(
      '%s → RFC 6749 invalid_request, no stack, no-store',
      async (_, type, body, status) => {
        const res = await request(t.server)
          .post('/oauth/token')
          .set('Authorization', auth)
          .set('Content-Type', type)
          .send(body);
        expect(res.status).toBe(status);
        expect(res.body).toEqual({
          error: 'invalid_request',
          error_description: expect.any(String),
        });
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.headers['pragma']).toBe('no-cache');
        expect(res.text).not.toMatch(/at \/|node_modules|Unexpected|JSON/);
      },
    );

    it('a malformed body elsewhere keeps the default Nest answer', async () => {
      const res = await request(t.server)
        .post('/users')
        .set('Content-Type', 'application/json')
        .send('{"email":');
      expect(res.status).toBe(400);
      expect(res.body.statusCode).toBe(400);
      expect(res.body.error).not.toBe('invalid_request');
    });
  },
);
