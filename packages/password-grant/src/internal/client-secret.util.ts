import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const SCHEME = 'hmac-sha256';

/**
 * A new client secret: 40 characters of base62 drawn from 30 random bytes
 * (about 238 bits), shown once and stored only as a digest.
 */
export function generateClientSecret(): string {
  const alphabet =
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let secret = '';
  while (secret.length < 40) {
    for (const byte of randomBytes(48)) {
      // Drop bytes that would bias the alphabet (248 = 4 * 62).
      if (byte < 248 && secret.length < 40) secret += alphabet[byte % 62];
    }
  }
  return secret;
}

function digest(salt: Buffer, secret: string): Buffer {
  return createHmac('sha256', salt).update(secret, 'utf8').digest();
}

/**
 * A keyed digest of a client secret: HMAC-SHA-256 under a random 16-byte
 * key stored beside it. A secret this long needs no slow hash, so a token
 * request costs one bcrypt (the user's password), not two.
 */
export function hashClientSecret(secret: string): string {
  const salt = randomBytes(16);
  return [
    SCHEME,
    salt.toString('base64url'),
    digest(salt, secret).toString('base64url'),
  ].join('$');
}

/** Compares a presented secret with a stored digest in constant time. */
export function verifyClientSecret(secret: string, stored: string): boolean {
  const [scheme, salt, expected] = stored.split('$');
  if (scheme !== SCHEME || !salt || !expected) return false;
  const actual = digest(Buffer.from(salt, 'base64url'), secret);
  const wanted = Buffer.from(expected, 'base64url');
  return wanted.length === actual.length && timingSafeEqual(actual, wanted);
}
