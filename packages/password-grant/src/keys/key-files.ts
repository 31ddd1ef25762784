import { generateKeyPair } from 'node:crypto';
import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PasswordGrantError } from '../errors/password-grant.error.js';
import type { SigningKeyInput } from '../interfaces/password-grant-module-options.interface.js';

const generate = promisify(generateKeyPair);

/** File names inside a keys directory (Laravel Passport's names). */
export const PRIVATE_KEY_FILE = 'oauth-private.key';
export const PUBLIC_KEY_FILE = 'oauth-public.key';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes a new RSA key pair into `dir`, the private key with mode 600.
 * Refuses to overwrite an existing pair unless `force` is set.
 *
 * @publicApi
 */
export async function writeKeyPair(
  dir: string,
  options: { force?: boolean; length?: number } = {},
): Promise<{ privateKeyPath: string; publicKeyPath: string }> {
  const length = options.length ?? 4096;
  if (!Number.isInteger(length) || length < 2048 || length > 16384) {
    throw new PasswordGrantError(
      'ERR_PASSWORD_GRANT_CLI',
      'The key length must be a whole number of bits between 2048 and 16384.',
    );
  }
  const privateKeyPath = join(dir, PRIVATE_KEY_FILE);
  const publicKeyPath = join(dir, PUBLIC_KEY_FILE);
  if (!options.force && (await exists(privateKeyPath))) {
    throw new PasswordGrantError(
      'ERR_PASSWORD_GRANT_CLI',
      `Encryption keys already exist in ${dir}. Use the --force option to overwrite them.`,
    );
  }
  const pair = await generate('rsa', {
    modulusLength: length,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  await mkdir(dir, { recursive: true });
  await writeFile(privateKeyPath, pair.privateKey, { mode: 0o600 });
  await chmod(privateKeyPath, 0o600);
  await writeFile(publicKeyPath, pair.publicKey, { mode: 0o644 });
  return { privateKeyPath, publicKeyPath };
}

/**
 * The key input for a directory written by {@link writeKeyPair}, or for the
 * environment variables `<prefix>PRIVATE_KEY` and `<prefix>PUBLIC_KEY`
 * holding PEM text, which win when set.
 *
 * @publicApi
 */
export function keysFromDirectory(
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
  prefix = 'PASSWORD_GRANT_',
): SigningKeyInput {
  return {
    privateKey: env[`${prefix}PRIVATE_KEY`] || join(dir, PRIVATE_KEY_FILE),
    publicKey: env[`${prefix}PUBLIC_KEY`] || join(dir, PUBLIC_KEY_FILE),
  };
}
