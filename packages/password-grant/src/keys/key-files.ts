import { generateKeyPair } from 'node:crypto';
import { chmod, mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PasswordGrantError } from '../errors/password-grant.error.js';
import type {
  KeyDirectorySource,
  SigningKeyInput,
} from '../interfaces/password-grant-module-options.interface.js';
import { PRIVATE_KEY_FILE, PUBLIC_KEY_FILE } from './key-directory.js';

export { PRIVATE_KEY_FILE, PUBLIC_KEY_FILE } from './key-directory.js';

const generate = promisify(generateKeyPair);

/** A PEM key pair, as written into a keys directory. */
export interface PemKeyPair {
  privateKey: string;
  publicKey: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Writes a file whole or not at all: a reader never sees half of it. */
export async function writeFileAtomic(
  path: string,
  text: string,
  mode: number,
): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode });
  await chmod(temporary, mode);
  await rename(temporary, path);
}

/** A new RSA pair; `length` is checked first. */
export async function generateRsaPair(length = 4096): Promise<PemKeyPair> {
  if (!Number.isInteger(length) || length < 2048 || length > 16384) {
    throw new PasswordGrantError(
      'ERR_PASSWORD_GRANT_CLI',
      'The key length must be a whole number of bits between 2048 and 16384.',
    );
  }
  return generate('rsa', {
    modulusLength: length,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/** Writes a pair into `dir`: the private key first, with mode 600. */
export async function storePair(dir: string, pair: PemKeyPair): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, PRIVATE_KEY_FILE), pair.privateKey, 0o600);
  await writeFileAtomic(join(dir, PUBLIC_KEY_FILE), pair.publicKey, 0o644);
}

/**
 * Writes a new RSA key pair into `dir`, the private key with mode 600.
 * Refuses to overwrite an existing pair unless `force` is set; tokens
 * signed by an overwritten key stop verifying (use
 * {@link rotateKeyPair} to replace a key without that).
 *
 * @publicApi
 */
export async function writeKeyPair(
  dir: string,
  options: { force?: boolean; length?: number } = {},
): Promise<{ privateKeyPath: string; publicKeyPath: string }> {
  const privateKeyPath = join(dir, PRIVATE_KEY_FILE);
  const publicKeyPath = join(dir, PUBLIC_KEY_FILE);
  if (!options.force && (await exists(privateKeyPath))) {
    throw new PasswordGrantError(
      'ERR_PASSWORD_GRANT_CLI',
      `Encryption keys already exist in ${dir}. Use the --force option to overwrite them.`,
    );
  }
  await storePair(dir, await generateRsaPair(options.length));
  return { privateKeyPath, publicKeyPath };
}

/**
 * The `keys` option for a directory written by the CLI: its current pair
 * signs, the public keys it rotated out keep verifying until they are
 * retired, and running apps re-read the directory (every
 * `<prefix>KEYS_RELOAD_INTERVAL`, default 10 s, and at once when a token
 * names a key they do not know). When the environment variables
 * `<prefix>PRIVATE_KEY` or `<prefix>PUBLIC_KEY` hold PEM text, they win
 * and the keys are fixed for the life of the process.
 *
 * @publicApi
 */
export function keysFromDirectory(
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
  prefix = 'PASSWORD_GRANT_',
): SigningKeyInput | KeyDirectorySource {
  const privateKey = env[`${prefix}PRIVATE_KEY`];
  const publicKey = env[`${prefix}PUBLIC_KEY`];
  if (privateKey || publicKey) {
    // Without a public key the private key's public half verifies.
    return {
      privateKey: privateKey || join(dir, PRIVATE_KEY_FILE),
      ...(publicKey ? { publicKey } : {}),
    };
  }
  const interval = env[`${prefix}KEYS_RELOAD_INTERVAL`];
  if (!interval) return { directory: dir };
  return {
    directory: dir,
    reloadInterval: /^\d+$/.test(interval) ? Number(interval) : interval,
  };
}
