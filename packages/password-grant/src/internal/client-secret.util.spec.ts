import { describe, expect, it } from 'vitest';
import {
  generateClientSecret,
  hashClientSecret,
  verifyClientSecret,
} from './client-secret.util.js';

describe('client secrets', () => {
  it('are 40 base62 characters, all distinct', () => {
    const secrets = new Set(Array.from({ length: 1000 }, generateClientSecret));
    expect(secrets.size).toBe(1000);
    for (const secret of secrets) expect(secret).toMatch(/^[A-Za-z0-9]{40}$/);
  });

  it('are stored as a salted HMAC digest that never contains the secret', () => {
    const secret = generateClientSecret();
    const stored = hashClientSecret(secret);
    expect(stored).toMatch(/^hmac-sha256\$[\w-]{22}\$[\w-]{43}$/);
    expect(stored).not.toContain(secret);
    expect(hashClientSecret(secret)).not.toBe(stored);
  });

  it('verify the right secret only', () => {
    const secret = generateClientSecret();
    const stored = hashClientSecret(secret);
    expect(verifyClientSecret(secret, stored)).toBe(true);
    expect(verifyClientSecret(`${secret}x`, stored)).toBe(false);
    expect(verifyClientSecret('', stored)).toBe(false);
  });

  it('reject a malformed stored digest', () => {
    expect(verifyClientSecret('x', 'plain-text')).toBe(false);
    expect(verifyClientSecret('x', 'hmac-sha256$$')).toBe(false);
  });
});
