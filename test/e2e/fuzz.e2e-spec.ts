import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import { basic, startTestApp, type TestApp } from '../support/test-app.js';

const TOKEN_ERRORS = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
];
const NAMES = [
  'grant_type',
  'username',
  'password',
  'client_id',
  'client_secret',
  'scope',
  'refresh_token',
  '__proto__',
  'constructor',
  'prototype',
  'username[]',
  'password[$ne]',
  '__proto__[polluted]',
  'constructor[prototype][polluted]',
];

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom(
    'password',
    'refresh_token',
    '',
    '%00',
    '\u0000',
    '😃'.repeat(20),
    'a'.repeat(300),
  ),
);
const formBody = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...NAMES), fc.string()), text), {
    maxLength: 8,
  })
  .map(pairs =>
    pairs
      .map(
        ([key, value]) =>
          `${encodeURIComponent(key)}=${encodeURIComponent(value)}`,
      )
      .join('&'),
  );
const jsonBody = fc.oneof(
  fc.jsonValue().map(value => JSON.stringify(value)),
  fc
    .dictionary(
      fc.oneof(fc.constantFrom(...NAMES), fc.string()),
      fc.oneof(text, fc.jsonValue()),
    )
    .map(value => JSON.stringify(value)),
  fc.constantFrom(
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"polluted":1}}}',
    '{',
    'null',
    '[]',
  ),
);
const headerText = fc.stringMatching(/^[\x20-\x7e]{0,200}$/);
const segment = fc
  .uint8Array({ maxLength: 64 })
  .map(bytes => Buffer.from(bytes).toString('base64url'));
const threeSegments = fc
  .tuple(segment, segment, segment)
  .map(parts => parts.join('.'));

function expectSafe(res: request.Response) {
  expect(res.status).toBeLessThan(500);
  expect(res.status).not.toBe(200);
  expect(res.text).not.toMatch(/at \/|node_modules|QueryFailedError|SELECT /);
}

function expectNoPollution() {
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
}

describe.each(['express', 'fastify'] as const)(
  'hostile input never breaks the endpoints (%s)',
  adapter => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(databaseKinds()[0], adapter);
    });
    afterAll(() => t?.close());

    it('answers arbitrary form bodies at /oauth/token with a documented error', async () => {
      await fc.assert(
        fc.asyncProperty(formBody, fc.boolean(), async (body, withClient) => {
          const req = request(t.server).post('/oauth/token').type('form');
          if (withClient)
            req.set('Authorization', basic(t.demo.clientId, 'not-the-secret'));
          const res = await req.send(body);
          expectSafe(res);
          expect(TOKEN_ERRORS).toContain(res.body.error);
          expect(res.headers['cache-control']).toBe('no-store');
        }),
        { numRuns: 150 },
      );
      expectNoPollution();
    });

    it('answers arbitrary JSON bodies at /oauth/token with a documented error', async () => {
      await fc.assert(
        fc.asyncProperty(jsonBody, async body => {
          const res = await request(t.server)
            .post('/oauth/token')
            .set('Content-Type', 'application/json')
            .send(body);
          expectSafe(res);
          expect(TOKEN_ERRORS).toContain(res.body.error);
        }),
        { numRuns: 150 },
      );
      expectNoPollution();
    });

    it('answers arbitrary Authorization headers at a guarded route with 401 or 400', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            headerText,
            threeSegments.map(token => `Bearer ${token}`),
            headerText.map(v => `Bearer ${v}`),
          ),
          async header => {
            const res = await request(t.server)
              .get('/me')
              .set('Authorization', header);
            expectSafe(res);
            expect([400, 401]).toContain(res.status);
            expect(res.headers['www-authenticate']).toMatch(
              /^Bearer realm="api"/,
            );
          },
        ),
        { numRuns: 200 },
      );
    });
  },
);
