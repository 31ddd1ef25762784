import { Logger } from '@nestjs/common';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
} from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { PasswordGrantError } from '../errors/password-grant.error.js';
import type { SigningKeyInput } from '../interfaces/password-grant-module-options.interface.js';

export type SigningAlgorithm = 'RS256' | 'ES256';

/** A key prepared once at startup: node:crypto objects, never PEM text. */
export interface SigningKey {
  kid: string;
  algorithm: SigningAlgorithm;
  privateKey?: KeyObject;
  publicKey: KeyObject;
}

const MIN_RSA_BITS = 2048;

function invalidKey(message: string): PasswordGrantError {
  return new PasswordGrantError('ERR_PASSWORD_GRANT_INVALID_KEY', message);
}

/**
 * True for a value shown in errors as a path. Anything else may be key
 * material (base64 DER starts with `MI`) and is never echoed.
 */
function looksLikePath(value: string): boolean {
  return (
    value.length <= 1024 &&
    !value.includes('\n') &&
    !value.startsWith('MI') &&
    (/^[./~]/.test(value) || /\.(key|pem)$/i.test(value))
  );
}

const logger = new Logger('PasswordGrantKeys');
const warnedPaths = new Set<string>();

/**
 * Warns once when a private key file can be read by other users (mode
 * beyond 600), as `chmod 600` fixes; the key itself still loads.
 */
function checkPermissions(path: string): void {
  if (warnedPaths.has(path)) return;
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) === 0) return;
  warnedPaths.add(path);
  logger.warn(
    `The private key file ${path} can be read by other users (mode ${mode.toString(8)}); restrict it with chmod 600.`,
  );
}

/** Reads PEM text, or the file a path names. Never echoes key material. */
function readPem(value: string, what: string): string {
  if (value.includes('-----BEGIN') || value.trim() === '') return value;
  try {
    const pem = readFileSync(value, 'utf8');
    if (what === 'private key') checkPermissions(value);
    return pem;
  } catch {
    const path = looksLikePath(value) ? ` file ${value}` : '';
    throw invalidKey(
      `The ${what}${path} cannot be read. Run the CLI's "keys" command to create it, or pass the PEM text.`,
    );
  }
}

function parse<T>(what: string, make: () => T): T {
  try {
    return make();
  } catch {
    throw invalidKey(
      `The ${what} is empty or not a valid PEM key. Run the CLI's "keys" command to create a key pair.`,
    );
  }
}

function checkStrength(key: KeyObject, algorithm: SigningAlgorithm): void {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (algorithm === 'RS256') {
    if (type !== 'rsa') throw invalidKey('RS256 needs an RSA key.');
    if ((details.modulusLength ?? 0) < MIN_RSA_BITS) {
      throw invalidKey(
        `RSA keys must have at least ${MIN_RSA_BITS} bits; create a new pair with the CLI's "keys --force" command.`,
      );
    }
  } else if (algorithm === 'ES256') {
    if (type !== 'ec' || details.namedCurve !== 'prime256v1') {
      throw invalidKey('ES256 needs an EC key on the P-256 curve.');
    }
  } else {
    throw invalidKey('keys[].algorithm must be RS256 or ES256.');
  }
}

/**
 * RFC 7638 JWK thumbprint, used as the default `kid`.
 * @see https://www.rfc-editor.org/rfc/rfc7638#section-3
 */
export function thumbprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  const members =
    jwk.kty === 'RSA'
      ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
      : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return createHash('sha256')
    .update(JSON.stringify(members))
    .digest('base64url');
}

function loadKey(input: SigningKeyInput): SigningKey {
  const algorithm = input.algorithm ?? 'RS256';
  const privatePem =
    input.privateKey === undefined
      ? undefined
      : readPem(input.privateKey, 'private key');
  const publicPem =
    input.publicKey === undefined
      ? undefined
      : readPem(input.publicKey, 'public key');
  const privateKey =
    privatePem === undefined
      ? undefined
      : parse('private key', () => createPrivateKey(privatePem));
  const publicKey =
    publicPem === undefined
      ? privateKey && createPublicKey(privateKey)
      : parse('public key', () => createPublicKey(publicPem));
  if (!publicKey) {
    throw invalidKey('Each key needs a privateKey, a publicKey or both.');
  }
  checkStrength(publicKey, algorithm);
  if (privateKey && publicPem !== undefined) checkPair(privateKey, publicKey);
  return {
    kid: input.kid ?? thumbprint(publicKey),
    algorithm,
    privateKey,
    publicKey,
  };
}

/** Refuses a private key given with the public key of another pair. */
function checkPair(privateKey: KeyObject, publicKey: KeyObject): void {
  if (thumbprint(createPublicKey(privateKey)) !== thumbprint(publicKey)) {
    throw invalidKey(
      'The private key and the public key do not belong to the same pair.',
    );
  }
}

/**
 * Loads and checks every configured key; the first private one signs.
 * `verifyOnly` accepts keys that have no private part.
 */
export function loadSigningKeys(
  input: SigningKeyInput | SigningKeyInput[],
  verifyOnly = false,
): SigningKey[] {
  const keys = (Array.isArray(input) ? input : [input]).map(loadKey);
  if (!verifyOnly && !keys.some(key => key.privateKey)) {
    throw invalidKey(
      'No signing key has a private part; pass keys.privateKey (PEM text or a file path).',
    );
  }
  return keys;
}
