import { createHash } from 'node:crypto';
import request from 'supertest';
import type { DemoCredentials } from 'example-basic';
import { basic } from './test-app.js';

type Server = Parameters<typeof request>[0];

/** Form POST to an OAuth endpoint, with Basic client authentication. */
export function post(
  server: Server,
  path: string,
  form: Record<string, string>,
  authorization?: string,
) {
  const req = request(server).post(path).type('form').send(form);
  return authorization ? req.set('Authorization', authorization) : req;
}

/** The demo user's tokens through the password grant. */
export async function login(
  server: Server,
  demo: DemoCredentials,
  scope = 'read write',
): Promise<{ access_token: string; refresh_token: string }> {
  const res = await post(
    server,
    '/oauth/token',
    {
      grant_type: 'password',
      username: demo.username,
      password: demo.password,
      scope,
    },
    basic(demo.clientId, demo.clientSecret),
  );
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  return res.body as { access_token: string; refresh_token: string };
}

/** `grant_type=refresh_token` for a refresh token. */
export function refresh(
  server: Server,
  authorization: string,
  refreshToken: string,
  extra: Record<string, string> = {},
) {
  return post(
    server,
    '/oauth/token',
    { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra },
    authorization,
  );
}

/** A guarded request with a bearer token (`GET /me` by default). */
export function me(server: Server, accessToken: string, path = '/me') {
  return request(server)
    .get(path)
    .set('Authorization', `Bearer ${accessToken}`);
}

/** SHA-256 hex, as refresh tokens are stored. */
export function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Calls `probe` every `everyMs` until it returns true or `timeoutMs`
 * passes; returns the milliseconds it took, or throws.
 */
export async function waitFor(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 20,
): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await probe()) return performance.now() - started;
    await new Promise(resolve => setTimeout(resolve, everyMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}
