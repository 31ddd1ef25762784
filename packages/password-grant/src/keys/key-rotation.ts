import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PasswordGrantError } from '../errors/password-grant.error.js';
import {
  PREVIOUS_KEYS_FILE,
  PRIVATE_KEY_FILE,
  publicPemOf,
  readKeyDirectory,
  readPreviousEntries,
  type PreviousKeyEntry,
} from './key-directory.js';
import { generateRsaPair, storePair, writeFileAtomic } from './key-files.js';

/**
 * The keys of a directory, as {@link listKeys} reports them.
 *
 * @publicApi
 */
export interface KeyListing {
  /** `kid` of the key that signs. */
  current: string;
  /** Keys that only verify, oldest first, with when they stopped signing. */
  previous: Array<{ kid: string; rotatedAt: Date }>;
}

function keyError(message: string): PasswordGrantError {
  return new PasswordGrantError('ERR_PASSWORD_GRANT_CLI', message);
}

async function writePrevious(
  dir: string,
  keys: PreviousKeyEntry[],
): Promise<void> {
  const text = `${JSON.stringify({ keys }, null, 2)}\n`;
  await writeFileAtomic(join(dir, PREVIOUS_KEYS_FILE), text, 0o644);
}

/**
 * Lists the `kid`s of a keys directory: the signing key and the previous
 * keys that still verify.
 *
 * @publicApi
 */
export function listKeys(dir: string): KeyListing {
  const contents = readKeyDirectory(dir);
  return {
    current: contents.current.kid,
    previous: contents.previous.map(({ key, rotatedAt }) => ({
      kid: key.kid,
      rotatedAt,
    })),
  };
}

/**
 * Replaces the signing key of a directory without breaking issued tokens:
 * a new pair signs from now on, and the old public key keeps verifying
 * until {@link retireKey} removes it, or until the longest access token
 * lifetime has passed. The old private key is deleted.
 *
 * @publicApi
 */
export async function rotateKeyPair(
  dir: string,
  options: { length?: number; now?: Date } = {},
): Promise<{ kid: string; previousKid: string }> {
  const old = readKeyDirectory(dir).current;
  const pair = await generateRsaPair(options.length);
  const entries = readPreviousEntries(dir).filter(e => e.kid !== old.kid);
  entries.push({
    kid: old.kid,
    publicKey: publicPemOf(readFileSync(join(dir, PRIVATE_KEY_FILE), 'utf8')),
    rotatedAt: (options.now ?? new Date()).toISOString(),
  });
  await writePrevious(dir, entries);
  await storePair(dir, pair);
  return { kid: readKeyDirectory(dir).current.kid, previousKid: old.kid };
}

/**
 * Stops a previous key from verifying: tokens it signed are refused by
 * every app once it re-reads the directory. The signing key cannot be
 * retired; rotate it first.
 *
 * @publicApi
 */
export async function retireKey(dir: string, kid: string): Promise<void> {
  const { current } = readKeyDirectory(dir);
  if (kid === current.kid) {
    throw keyError(
      `${kid} is the signing key; rotate first ("keys --rotate"), then retire it.`,
    );
  }
  const entries = readPreviousEntries(dir);
  const kept = entries.filter(entry => entry.kid !== kid);
  if (kept.length === entries.length) {
    const known = entries.map(entry => entry.kid).join(', ') || 'none';
    throw keyError(
      `No previous key has the kid ${kid}. Previous keys: ${known}.`,
    );
  }
  await writePrevious(dir, kept);
}
