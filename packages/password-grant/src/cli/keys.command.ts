import { join } from 'node:path';
import { PRIVATE_KEY_FILE } from '../keys/key-directory.js';
import { writeKeyPair } from '../keys/key-files.js';
import { listKeys, retireKey, rotateKeyPair } from '../keys/key-rotation.js';
import {
  CliUsageError,
  flag,
  integerOption,
  stringOption,
  type CliCommand,
  type CommandInput,
} from './cli-command.js';

function keyLength(input: CommandInput): number {
  return integerOption(input, 'length', {
    min: 2048,
    max: 16384,
    fallback: 4096,
  });
}

async function create(input: CommandInput): Promise<void> {
  await writeKeyPair(input.keysDir, {
    force: flag(input, 'force'),
    length: keyLength(input),
  });
  const { current } = listKeys(input.keysDir);
  input.print('Encryption keys generated successfully.');
  input.print(
    `Private key (mode 600): ${join(input.keysDir, PRIVATE_KEY_FILE)}`,
  );
  input.print(`Key id: ${current}`);
}

async function rotate(input: CommandInput): Promise<void> {
  const { kid, previousKid } = await rotateKeyPair(input.keysDir, {
    length: keyLength(input),
  });
  input.print(`Keys rotated. New signing key: ${kid}`);
  input.print(
    `The previous key ${previousKid} keeps verifying the tokens it signed until "keys --retire ${previousKid}", or until the longest access token lifetime has passed.`,
  );
}

async function retire(input: CommandInput, kid: string): Promise<void> {
  await retireKey(input.keysDir, kid);
  input.print(
    `Key ${kid} retired: running apps refuse its tokens once they re-read the keys.`,
  );
}

function list(input: CommandInput): void {
  const keys = listKeys(input.keysDir);
  input.print(`${keys.current}  signing`);
  for (const key of keys.previous) {
    input.print(
      `${key.kid}  verifying, rotated out ${key.rotatedAt.toISOString()}`,
    );
  }
}

async function runKeys(input: CommandInput): Promise<void> {
  const kid = stringOption(input, 'retire');
  const actions = [
    flag(input, 'rotate'),
    kid !== undefined,
    flag(input, 'list'),
  ];
  if (actions.filter(Boolean).length > 1) {
    throw new CliUsageError(
      'Use one of --rotate, --retire and --list at a time.',
    );
  }
  if (flag(input, 'force') && actions.some(Boolean)) {
    throw new CliUsageError('--force only applies to creating a key pair.');
  }
  if (flag(input, 'rotate')) return rotate(input);
  if (kid !== undefined) return retire(input, kid);
  if (flag(input, 'list')) return list(input);
  return create(input);
}

/** `keys`: create, rotate, retire and list the signing keys. */
export const keysCommand: CliCommand = {
  name: 'keys',
  usage:
    'keys [--force] [--length 4096] | keys --rotate [--length 4096] | keys --retire KID | keys --list',
  summary:
    'Creates the RSA key pair that signs access tokens, where the app reads it (private key mode 600).',
  details: [
    'Without --force an existing pair is kept: overwriting it makes every issued token fail.',
    '--rotate replaces the signing key without that: the new key signs from now on, and the previous public key keeps verifying until it is retired with --retire, or until the longest access token lifetime has passed. Running apps pick up both changes without a restart.',
  ],
  options: [
    {
      name: 'force',
      type: 'boolean',
      description: 'overwrite an existing key pair',
    },
    {
      name: 'length',
      type: 'string',
      value: 'BITS',
      description: 'RSA modulus length, 2048 to 16384 (default 4096)',
    },
    {
      name: 'rotate',
      type: 'boolean',
      description: 'add a new signing key; the old one only verifies',
    },
    {
      name: 'retire',
      type: 'string',
      value: 'KID',
      description: 'stop accepting tokens signed by a previous key',
    },
    {
      name: 'list',
      type: 'boolean',
      description: 'print the key ids and their roles',
    },
  ],
  run: runKeys,
};
