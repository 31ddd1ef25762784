import type { AddressInfo } from 'node:net';
import { ResourceOwnerPassword } from 'simple-oauth2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe.each(databaseKinds())(
  'an ordinary OAuth client library ($name)',
  kind => {
    let t: TestApp;
    let base: string;

    beforeAll(async () => {
      t = await startTestApp(kind, 'express');
      await t.app.listen(0, '127.0.0.1');
      const { port } = t.app.getHttpServer().address() as AddressInfo;
      base = `http://127.0.0.1:${port}`;
    });
    afterAll(() => t?.close());

    const client = (secret: string) =>
      new ResourceOwnerPassword({
        client: { id: t.demo.clientId, secret },
        auth: { tokenHost: base, tokenPath: '/oauth/token' },
      });

    it('gets a token with simple-oauth2 (HTTP Basic) and calls GET /me', async () => {
      const token = await client(t.demo.clientSecret).getToken({
        username: t.demo.username,
        password: t.demo.password,
        scope: 'read',
      });
      expect(token.token.token_type).toBe('Bearer');
      expect(token.expired()).toBe(false);
      const res = await fetch(`${base}/me`, {
        headers: {
          Authorization: `Bearer ${String(token.token.access_token)}`,
        },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ email: t.demo.username });
    });

    it('surfaces the RFC error of a wrong password to the library', async () => {
      const failure = await client(t.demo.clientSecret)
        .getToken({ username: t.demo.username, password: 'wrong-password' })
        .catch(
          (error: {
            output?: { statusCode: number };
            data?: { payload?: unknown };
          }) => error,
        );
      expect(failure).toMatchObject({ output: { statusCode: 400 } });
      expect(
        JSON.stringify(
          (failure as { data?: { payload?: unknown } }).data?.payload,
        ),
      ).toContain('invalid_grant');
    });

    it('surfaces invalid_client for a wrong secret', async () => {
      const failure = await client('wrong-secret')
        .getToken({ username: t.demo.username, password: t.demo.password })
        .catch((error: { output?: { statusCode: number } }) => error);
      expect(failure).toMatchObject({ output: { statusCode: 401 } });
    });
  },
);
