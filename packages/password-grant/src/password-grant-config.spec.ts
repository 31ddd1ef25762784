import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PasswordGrantError } from './errors/password-grant.error.js';
import type { PasswordGrantModuleOptions } from './interfaces/password-grant-module-options.interface.js';
import { resolvePasswordGrantConfig } from './password-grant-config.js';

const pem = (bits: number) =>
  generateKeyPairSync('rsa', {
    modulusLength: bits,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
const privateKey = pem(2048);
const provider = { findForPassport: () => null };
const valid: PasswordGrantModuleOptions = {
  userProvider: provider,
  keys: { privateKey },
  issuer: 'https://api.example.com',
};

function failure(
  options: Partial<PasswordGrantModuleOptions>,
): PasswordGrantError {
  try {
    resolvePasswordGrantConfig({
      ...valid,
      ...options,
    } as PasswordGrantModuleOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(PasswordGrantError);
    return error as PasswordGrantError;
  }
  throw new Error('expected a configuration error');
}

describe('resolvePasswordGrantConfig', () => {
  it('fills in the defaults', () => {
    const config = resolvePasswordGrantConfig(valid);
    expect(config).toMatchObject({
      defaultProvider: 'users',
      audience: 'https://api.example.com',
      accessTokenTtl: 3600,
      refreshTokenTtl: 30 * 86400,
      revokeRefreshTokenAfterUse: true,
      clockTolerance: 30,
      realm: 'api',
    });
    expect(config.providers.users).toBe(provider);
    expect(config.signingKey.kid).toMatch(/^[\w-]{43}$/);
  });

  it('reads durations as seconds or strings', () => {
    const config = resolvePasswordGrantConfig({
      ...valid,
      tokensExpireIn: '15m',
      refreshTokensExpireIn: 7200,
    });
    expect(config.accessTokenTtl).toBe(900);
    expect(config.refreshTokenTtl).toBe(7200);
  });

  it.each([
    [
      'no userProvider',
      { userProvider: undefined },
      /userProvider is required/,
    ],
    [
      'an unknown named provider',
      { userProvider: 'staff' },
      /"staff", which is not in userProviders/,
    ],
    ['no issuer', { issuer: '' }, /issuer is required/],
    ['no keys', { keys: undefined }, /keys is required/],
    ['a bad duration', { tokensExpireIn: 'soon' }, /tokensExpireIn must be/],
    ['a leeway over 300 s', { clockTolerance: 301 }, /at most 300/],
    ['an invalid scope name', { scopes: { 'a b': 'x' } }, /scope name "a b"/],
    [
      'a default scope not in scopes',
      { defaultScopes: ['read'] },
      /defaultScopes names "read"/,
    ],
  ])('refuses %s with a message naming the fix', (_, options, message) => {
    const error = failure(options as Partial<PasswordGrantModuleOptions>);
    expect(error.code).toBe('ERR_PASSWORD_GRANT_INVALID_OPTIONS');
    expect(error.message).toMatch(message);
  });

  it('refuses RSA keys under 2048 bits without printing key material', () => {
    const error = failure({ keys: { privateKey: pem(1024) } });
    expect(error.code).toBe('ERR_PASSWORD_GRANT_INVALID_KEY');
    expect(error.message).toMatch(/at least 2048 bits/);
    expect(error.message).not.toMatch(/BEGIN|MII/);
  });

  it('refuses an empty or unreadable key without printing it', () => {
    const garbage =
      '-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----';
    const error = failure({ keys: { privateKey: garbage } });
    expect(error.message).toMatch(/not a valid PEM key/);
    expect(error.message).not.toContain('not-a-key');
    const missing = failure({
      keys: { privateKey: '/nonexistent/oauth-private.key' },
    });
    expect(missing.message).toMatch(/cannot be read/);
  });
});
