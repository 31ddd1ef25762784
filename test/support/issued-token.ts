import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { PRIVATE_KEY_FILE } from 'nestjs-password-grant';
import request from 'supertest';
import { basic, type TestApp } from './test-app.js';

/** An access token the app issued, its parts and the key that signed it. */
export interface IssuedToken {
  token: string;
  claims: jwt.JwtPayload;
  kid: string;
  /** The app's private key, for tokens forged with the real key. */
  key: KeyObject;
}

/** base64url of a JSON value, for hand-made JWT segments. */
export const b64 = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

/** Gets a token for the demo user through the password grant. */
export async function issueDemoToken(
  t: TestApp,
  scope?: string,
): Promise<IssuedToken> {
  const res = await request(t.server)
    .post('/oauth/token')
    .set('Authorization', basic(t.demo.clientId, t.demo.clientSecret))
    .type('form')
    .send({
      grant_type: 'password',
      username: t.demo.username,
      password: t.demo.password,
      ...(scope === undefined ? {} : { scope }),
    });
  if (res.status !== 200) {
    throw new Error(`The password grant answered ${res.status}.`);
  }
  const token = res.body.access_token as string;
  const decoded = jwt.decode(token, { complete: true })!;
  return {
    token,
    claims: decoded.payload as jwt.JwtPayload,
    kid: decoded.header.kid!,
    key: createPrivateKey(readFileSync(join(t.keysDir, PRIVATE_KEY_FILE))),
  };
}
