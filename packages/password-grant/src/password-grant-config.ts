import type { ThrottleOptions } from './throttle/throttle-options.interface.js';
import {
  DEFAULT_ACCESS_TOKEN_TTL,
  DEFAULT_CLOCK_TOLERANCE,
  DEFAULT_REALM,
  DEFAULT_REFRESH_TOKEN_IDLE_TTL,
  DEFAULT_REFRESH_TOKEN_TTL,
  DEFAULT_REVOCATION_MAX_STALENESS,
  DEFAULT_REVOCATION_REFRESH_INTERVAL,
  MAX_CLOCK_TOLERANCE,
  MAX_REFRESH_TOKEN_GRACE,
} from './password-grant.constants.js';
import { PasswordGrantError } from './errors/password-grant.error.js';
import type {
  PasswordGrantModuleOptions,
  RevocationOptions,
  UserProviderInput,
} from './interfaces/password-grant-module-options.interface.js';
import { toSeconds } from './internal/duration.util.js';
import { ALL_SCOPES, parseScope } from './internal/scope.util.js';
import { createKeyStore } from './keys/create-key-store.js';
import type { KeyStore } from './keys/key-store.js';
import type { SigningKey } from './keys/signing-keys.js';

/** The module options after validation, with every default filled in. */
export interface PasswordGrantConfig {
  options: PasswordGrantModuleOptions;
  defaultProvider: string;
  providers: Record<string, UserProviderInput>;
  /** Every key that verifies, the signing key first; follows rotations. */
  keys: SigningKey[];
  /** The key new tokens are signed with; follows rotations. */
  signingKey: SigningKey;
  /** Where the keys live; re-reads a keys directory. */
  keyStore: KeyStore;
  issuer: string;
  audience: string;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  scopes: Record<string, string>;
  defaultScopes: string[];
  revokeRefreshTokenAfterUse: boolean;
  clockTolerance: number;
  realm: string;
  loadUser: boolean;
  verifiedTokenCacheSize: number;
  refreshTokenIdleTtl: number;
  refreshTokenGrace: number;
  introspection: boolean;
  revocation: Required<RevocationOptions>;
  throttle: ThrottleOptions;
}

function invalid(message: string): PasswordGrantError {
  return new PasswordGrantError('ERR_PASSWORD_GRANT_INVALID_OPTIONS', message);
}

function isProviderInput(value: unknown): value is UserProviderInput {
  if (typeof value === 'function') return true;
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { findForPassport?: unknown }).findForPassport ===
      'function'
  );
}

function resolveProviders(options: PasswordGrantModuleOptions): {
  defaultProvider: string;
  providers: Record<string, UserProviderInput>;
} {
  const providers = { ...(options.userProviders ?? {}) };
  for (const [name, provider] of Object.entries(providers)) {
    if (!isProviderInput(provider)) {
      throw invalid(
        `userProviders.${name} must be a class or an object with a findForPassport(username, client) method.`,
      );
    }
  }
  const choice = options.userProvider;
  if (typeof choice === 'string') {
    if (!providers[choice]) {
      const known = Object.keys(providers).join(', ') || 'none';
      throw invalid(
        `userProvider names "${choice}", which is not in userProviders (registered: ${known}).`,
      );
    }
    return { defaultProvider: choice, providers };
  }
  if (!isProviderInput(choice)) {
    throw invalid(
      'userProvider is required: pass a provider object or class, a name registered in userProviders, or the result of typeOrmUserProvider(Entity).',
    );
  }
  return {
    defaultProvider: 'users',
    providers: { users: choice, ...providers },
  };
}

function duration(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const seconds = toSeconds(value as string | number);
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw invalid(
      `${name} must be a positive whole number of seconds or a string such as "15m", "1h" or "30d".`,
    );
  }
  return seconds;
}

function checkIssuer(issuer: unknown): string {
  if (typeof issuer !== 'string' || issuer === '') {
    throw invalid(
      'issuer is required: set it to the URL of this API, for example "https://api.example.com".',
    );
  }
  return issuer;
}

function checkScopes(options: PasswordGrantModuleOptions): {
  scopes: Record<string, string>;
  defaultScopes: string[];
} {
  const scopes = options.scopes ?? {};
  for (const name of Object.keys(scopes)) {
    if (name === ALL_SCOPES || parseScope(name)?.length !== 1) {
      throw invalid(
        `The scope name "${name}" is not valid: use printable ASCII without spaces, quotes or backslashes, and not "*".`,
      );
    }
  }
  const defaultScopes = options.defaultScopes ?? [];
  for (const name of defaultScopes) {
    if (!(name in scopes)) {
      throw invalid(
        `defaultScopes names "${name}", which is not in scopes; add it to scopes or remove it.`,
      );
    }
  }
  return { scopes, defaultScopes };
}

function checkTolerance(value: number | undefined): number {
  const tolerance = value ?? DEFAULT_CLOCK_TOLERANCE;
  if (!Number.isInteger(tolerance) || tolerance < 0) {
    throw invalid(
      'clockTolerance must be a whole number of seconds, 0 or more.',
    );
  }
  if (tolerance > MAX_CLOCK_TOLERANCE) {
    throw invalid(
      `clockTolerance must be at most ${MAX_CLOCK_TOLERANCE} seconds.`,
    );
  }
  return tolerance;
}

function checkGrace(
  value: PasswordGrantModuleOptions['refreshTokenReuseGrace'],
) {
  if (value === undefined || toSeconds(value) === 0) return 0;
  const grace = duration('refreshTokenReuseGrace', value, 0);
  if (grace > MAX_REFRESH_TOKEN_GRACE) {
    throw invalid(
      `refreshTokenReuseGrace must be at most ${MAX_REFRESH_TOKEN_GRACE} seconds; 0 turns it off.`,
    );
  }
  return grace;
}

function milliseconds(name: string, value: unknown, fallback: number) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 10) {
    throw invalid(
      `${name} must be a whole number of milliseconds, 10 or more.`,
    );
  }
  return value;
}

function checkRevocation(
  options: RevocationOptions = {},
): Required<RevocationOptions> {
  const refreshInterval = milliseconds(
    'revocation.refreshInterval',
    options.refreshInterval,
    DEFAULT_REVOCATION_REFRESH_INTERVAL,
  );
  const maxStaleness = milliseconds(
    'revocation.maxStaleness',
    options.maxStaleness,
    Math.max(DEFAULT_REVOCATION_MAX_STALENESS, refreshInterval * 3),
  );
  if (maxStaleness <= refreshInterval) {
    throw invalid(
      'revocation.maxStaleness must be longer than revocation.refreshInterval (three times as long is a good start).',
    );
  }
  return { refreshInterval, maxStaleness, strict: options.strict ?? false };
}

function checkThrottle(
  value: ThrottleOptions | false | undefined,
): ThrottleOptions {
  if (value === false) return { enabled: false };
  const throttle = value ?? {};
  const { perAddress, clientAuthentication, trustedProxies } = throttle;
  for (const [name, limit] of Object.entries({
    perAddress,
    clientAuthentication,
  })) {
    if (limit && !(limit.limit > 0 && limit.windowSeconds > 0)) {
      throw invalid(
        `throttle.${name} needs a positive limit and windowSeconds.`,
      );
    }
  }
  if (
    trustedProxies !== undefined &&
    !(Number.isInteger(trustedProxies) && trustedProxies >= 0)
  ) {
    throw invalid(
      'throttle.trustedProxies must be the number of proxies in front of the app (0 or more).',
    );
  }
  return throttle;
}

/**
 * Validates the module options once, at bootstrap, and fills in defaults.
 * Every error says what to change.
 */
export function resolvePasswordGrantConfig(
  options: PasswordGrantModuleOptions,
): PasswordGrantConfig {
  if (typeof options !== 'object' || options === null) {
    throw invalid('PasswordGrantModule.forRoot() needs an options object.');
  }
  if (options.keys === undefined) {
    throw invalid(
      'keys is required: pass { privateKey, publicKey } as PEM text or file paths; the CLI\'s "keys" command creates a pair.',
    );
  }
  const issuer = checkIssuer(options.issuer);
  const keyStore = createKeyStore(options);
  return {
    options,
    ...resolveProviders(options),
    ...checkScopes(options),
    keyStore,
    get keys() {
      return keyStore.keys;
    },
    get signingKey() {
      return keyStore.signingKey;
    },
    issuer,
    audience: options.audience ?? issuer,
    accessTokenTtl: duration(
      'tokensExpireIn',
      options.tokensExpireIn,
      DEFAULT_ACCESS_TOKEN_TTL,
    ),
    refreshTokenTtl: duration(
      'refreshTokensExpireIn',
      options.refreshTokensExpireIn,
      DEFAULT_REFRESH_TOKEN_TTL,
    ),
    revokeRefreshTokenAfterUse: options.revokeRefreshTokenAfterUse ?? true,
    clockTolerance: checkTolerance(options.clockTolerance),
    realm: options.realm ?? DEFAULT_REALM,
    loadUser: options.loadUser ?? false,
    verifiedTokenCacheSize: options.verifiedTokenCacheSize ?? 10_000,
    refreshTokenIdleTtl: duration(
      'refreshTokensIdleExpireIn',
      options.refreshTokensIdleExpireIn,
      DEFAULT_REFRESH_TOKEN_IDLE_TTL,
    ),
    refreshTokenGrace: checkGrace(options.refreshTokenReuseGrace),
    introspection: options.introspection ?? true,
    revocation: checkRevocation(options.revocation),
    throttle: checkThrottle(options.throttle),
  };
}
