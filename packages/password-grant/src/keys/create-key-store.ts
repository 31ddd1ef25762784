import { PasswordGrantError } from '../errors/password-grant.error.js';
import type {
  KeyDirectorySource,
  PasswordGrantModuleOptions,
} from '../interfaces/password-grant-module-options.interface.js';
import { toSeconds } from '../internal/duration.util.js';
import {
  DEFAULT_ACCESS_TOKEN_TTL,
  DEFAULT_CLOCK_TOLERANCE,
} from '../password-grant.constants.js';
import { directoryKeySource, fixedKeySource, KeyStore } from './key-store.js';

const DEFAULT_RELOAD_INTERVAL = 10;
const MAX_RELOAD_INTERVAL = 3600;

function isDirectorySource(
  input: PasswordGrantModuleOptions['keys'],
): input is KeyDirectorySource {
  return typeof input === 'object' && input !== null && 'directory' in input;
}

function reloadIntervalMs(source: KeyDirectorySource): number {
  if (typeof source.directory !== 'string' || source.directory === '') {
    throw new PasswordGrantError(
      'ERR_PASSWORD_GRANT_INVALID_OPTIONS',
      'keys.directory must be the path of a keys directory.',
    );
  }
  const seconds = toSeconds(source.reloadInterval ?? DEFAULT_RELOAD_INTERVAL);
  if (!(seconds >= 1 && seconds <= MAX_RELOAD_INTERVAL)) {
    throw new PasswordGrantError(
      'ERR_PASSWORD_GRANT_INVALID_OPTIONS',
      'keys.reloadInterval must be between 1 second and 1 hour, such as 10 or "30s".',
    );
  }
  return seconds * 1000;
}

/**
 * The key store for the `keys` option. A rotated-out directory key keeps
 * verifying for the access token lifetime, the clock tolerance and one
 * reload interval (an app that has not reloaded yet still signs with it).
 */
export function createKeyStore(options: PasswordGrantModuleOptions): KeyStore {
  const input = options.keys;
  if (!isDirectorySource(input)) return new KeyStore(fixedKeySource(input));
  const interval = reloadIntervalMs(input);
  const lifetime = toSeconds(
    options.tokensExpireIn ?? DEFAULT_ACCESS_TOKEN_TTL,
  );
  const tolerance = options.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE;
  const retention = (lifetime + tolerance) * 1000 + interval;
  return new KeyStore(directoryKeySource(input, interval, retention));
}
