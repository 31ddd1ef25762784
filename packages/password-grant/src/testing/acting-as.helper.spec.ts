import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PasswordGrantModule } from '../password-grant.module.js';
import {
  passwordGrantEntities,
  passwordGrantMigrations,
} from '../persistence/entities.js';
import { PasswordGrantStorage } from '../persistence/password-grant-storage.service.js';
import { AccessTokenService } from '../token/access-token.service.js';
import { ACTING_AS_CLIENT_ID, actingAs } from './acting-as.helper.js';

const pair = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const nobody = { findForPassport: () => null };

describe('actingAs', () => {
  let app: INestApplicationContext;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({
          type: 'better-sqlite3',
          database: ':memory:',
          entities: passwordGrantEntities,
          migrations: passwordGrantMigrations,
          migrationsRun: true,
        }),
        PasswordGrantModule.forRoot({
          userProvider: 'users',
          userProviders: { users: nobody, admins: nobody },
          keys: pair,
          issuer: 'https://api.example.test',
          scopes: { read: 'Read', write: 'Write' },
          defaultScopes: ['read'],
          registerRoutes: false,
        }),
      ],
    }).compile();
    app = await moduleRef.init();
  });
  afterAll(() => app?.close());

  it('signs a token the app verifies, with the defaults filled in', async () => {
    const made = await actingAs(app, { userId: 42 });
    expect(made.authorization).toBe(`Bearer ${made.accessToken}`);
    const claims = app.get(AccessTokenService).verify(made.accessToken);
    expect(claims).toMatchObject({
      sub: '42',
      client_id: ACTING_AS_CLIENT_ID,
      provider: 'users',
      scope: 'read',
      scopes: ['read'],
      jti: made.jti,
      exp: made.expiresAt.getTime() / 1000,
    });
  });

  it('carries the scopes, client and provider it is given', async () => {
    const made = await actingAs(app, {
      userId: 'a-7',
      scopes: ['write', '*', 'write'],
      clientId: '3f0c2d8e-5b1a-4c6f-9d7e-1a2b3c4d5e6f',
      provider: 'admins',
    });
    const claims = app.get(AccessTokenService).verify(made.accessToken);
    expect(claims).toMatchObject({
      sub: 'a-7',
      client_id: '3f0c2d8e-5b1a-4c6f-9d7e-1a2b3c4d5e6f',
      provider: 'admins',
      scopes: ['write', '*'],
    });
  });

  it('records the token like an issued one, so it can be revoked', async () => {
    const made = await actingAs(app, { userId: 5, scopes: [] });
    const row = await app
      .get(PasswordGrantStorage)
      .accessTokens.findOneBy({ id: made.jti });
    expect(row).toMatchObject({
      userId: '5',
      clientId: ACTING_AS_CLIENT_ID,
      scopes: '',
      revoked: false,
    });
  });

  it.each([
    [{ userId: '' }, 'ERR_PASSWORD_GRANT_INVALID_OPTIONS', /userId/],
    [
      { userId: 1, scopes: ['read', 'delete'] },
      'ERR_PASSWORD_GRANT_INVALID_OPTIONS',
      /"delete".*\(read, write\)/,
    ],
    [
      { userId: 1, provider: 'staff' },
      'ERR_PASSWORD_GRANT_UNKNOWN_PROVIDER',
      /"staff".*users, admins/,
    ],
  ])('refuses %j with %s', async (options, code, message) => {
    await expect(actingAs(app, options)).rejects.toMatchObject({
      code,
      message: expect.stringMatching(message),
    });
  });
});
