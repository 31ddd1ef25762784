import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PasswordGrantModuleOptions } from '../interfaces/password-grant-module-options.interface.js';
import { resolvePasswordGrantConfig } from '../password-grant-config.js';
import { toEpochMs } from './epoch-ms.util.js';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const resolve = (options: Partial<PasswordGrantModuleOptions>) =>
  resolvePasswordGrantConfig({
    userProvider: { findForPassport: () => null },
    keys: { privateKey },
    issuer: 'https://api.example.com',
    ...options,
  });

describe('refresh, revocation and introspection options', () => {
  it('defaults to rotation, a 14-day idle expiry, no grace, introspection on and a 1 s / 3 s revocation bound', () => {
    expect(resolve({})).toMatchObject({
      revokeRefreshTokenAfterUse: true,
      refreshTokenIdleTtl: 14 * 24 * 3600,
      refreshTokenGrace: 0,
      introspection: true,
      revocation: { refreshInterval: 1000, maxStaleness: 3000, strict: false },
    });
  });

  it('reads durations and a longer interval raises the default bound', () => {
    const config = resolve({
      refreshTokensIdleExpireIn: '2h',
      refreshTokenReuseGrace: '10s',
      revocation: { refreshInterval: 2000 },
    });
    expect(config.refreshTokenIdleTtl).toBe(7200);
    expect(config.refreshTokenGrace).toBe(10);
    expect(config.revocation.maxStaleness).toBe(6000);
    expect(resolve({ refreshTokenReuseGrace: '0s' }).refreshTokenGrace).toBe(0);
  });

  it.each([
    [{ refreshTokenReuseGrace: '2m' }, /at most 60 seconds/],
    [{ refreshTokensIdleExpireIn: 'soon' }, /refreshTokensIdleExpireIn/],
    [{ revocation: { refreshInterval: 5 } }, /10 or more/],
    [
      { revocation: { refreshInterval: 1000, maxStaleness: 1000 } },
      /longer than revocation.refreshInterval/,
    ],
  ])(
    'refuses %o with a message that says how to fix it',
    (options, message) => {
      expect(() =>
        resolve(options as Partial<PasswordGrantModuleOptions>),
      ).toThrow(message);
    },
  );
});

describe('toEpochMs', () => {
  it('reads Dates, SQLite UTC text and ISO text', () => {
    const ms = Date.UTC(2026, 11, 4, 7, 30, 15, 250);
    expect(toEpochMs(new Date(ms))).toBe(ms);
    expect(toEpochMs('2026-12-04 07:30:15.250')).toBe(ms);
    expect(toEpochMs('2026-12-04T07:30:15.250Z')).toBe(ms);
  });

  it('keeps what it cannot read forever rather than forgetting a revocation', () => {
    expect(toEpochMs('not a date')).toBe(Number.POSITIVE_INFINITY);
    expect(toEpochMs(null)).toBe(Number.POSITIVE_INFINITY);
  });
});
