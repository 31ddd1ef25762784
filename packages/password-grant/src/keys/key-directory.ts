import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PasswordGrantError } from '../errors/password-grant.error.js';
import { loadSigningKeys, type SigningKey } from './signing-keys.js';

/**
 * The signing key's file in a keys directory (Laravel Passport's name).
 *
 * @publicApi
 */
export const PRIVATE_KEY_FILE = 'oauth-private.key';

/**
 * The signing key's public half in a keys directory.
 *
 * @publicApi
 */
export const PUBLIC_KEY_FILE = 'oauth-public.key';

/**
 * Public keys that signed before the last rotations, with the time each
 * stopped signing. Public keys only: a signer's private key is deleted
 * when it is rotated out.
 *
 * @publicApi
 */
export const PREVIOUS_KEYS_FILE = 'oauth-previous-keys.json';

/** One entry of {@link PREVIOUS_KEYS_FILE}. */
export interface PreviousKeyEntry {
  kid: string;
  publicKey: string;
  /** ISO time at which the key stopped signing. */
  rotatedAt: string;
}

/** A key of the directory that only verifies, and since when. */
export interface PreviousKey {
  key: SigningKey;
  rotatedAt: Date;
}

/** What a keys directory holds, parsed and checked. */
export interface KeyDirectoryContents {
  current: SigningKey;
  previous: PreviousKey[];
}

function invalidKeys(message: string): PasswordGrantError {
  return new PasswordGrantError('ERR_PASSWORD_GRANT_INVALID_KEY', message);
}

function isEntry(value: unknown): value is PreviousKeyEntry {
  const entry = value as Partial<PreviousKeyEntry> | null;
  return (
    typeof entry?.kid === 'string' &&
    typeof entry.publicKey === 'string' &&
    typeof entry.rotatedAt === 'string' &&
    !Number.isNaN(Date.parse(entry.rotatedAt))
  );
}

/** The entries of the previous keys file; `[]` when there is none. */
export function readPreviousEntries(dir: string): PreviousKeyEntry[] {
  const path = join(dir, PREVIOUS_KEYS_FILE);
  if (!existsSync(path)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw invalidKeys(`${path} cannot be read as JSON.`);
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || !keys.every(isEntry)) {
    throw invalidKeys(
      `${path} must hold { "keys": [{ "kid", "publicKey", "rotatedAt" }] }.`,
    );
  }
  return keys;
}

/**
 * The signing key of a directory. Its public half is derived from the
 * private key file, so a half-written rotation never pairs a private key
 * with another key's public file.
 */
function readCurrent(dir: string): SigningKey {
  const privatePath = join(dir, PRIVATE_KEY_FILE);
  if (!existsSync(privatePath)) {
    throw invalidKeys(
      `No private key in ${dir}: run the CLI's "keys" command to create a key pair there.`,
    );
  }
  return loadSigningKeys({ privateKey: privatePath })[0];
}

function readPrevious(dir: string, currentKid: string): PreviousKey[] {
  return readPreviousEntries(dir)
    .map(entry => ({
      key: loadSigningKeys({ publicKey: entry.publicKey }, true)[0],
      rotatedAt: new Date(entry.rotatedAt),
    }))
    .filter(previous => previous.key.kid !== currentKid);
}

/** Reads and checks every key of a directory written by the CLI. */
export function readKeyDirectory(dir: string): KeyDirectoryContents {
  const current = readCurrent(dir);
  return { current, previous: readPrevious(dir, current.kid) };
}

/** The SPKI PEM public half of a private key's PEM text. */
export function publicPemOf(privatePem: string): string {
  return createPublicKey(privatePem)
    .export({ type: 'spki', format: 'pem' })
    .toString();
}
