import type { Type } from '@nestjs/common';
import type { PasswordGrantClient } from './password-grant-client.interface.js';
import type { ThrottleOptions } from '../throttle/throttle-options.interface.js';
import type { UserProvider } from './user-provider.interface.js';

/** A user provider given as an object or as a class Nest can build. */
export type UserProviderInput<TUser = any> =
  UserProvider<TUser> | Type<UserProvider<TUser>>;

/**
 * A signing key. `privateKey` and `publicKey` are PEM text or paths of PEM
 * files. A key without a private part only verifies.
 *
 * @publicApi
 */
export interface SigningKeyInput {
  privateKey?: string;
  publicKey?: string;
  /** Key id put in the token header; default: the RFC 7638 thumbprint. */
  kid?: string;
  /** Default `RS256`. */
  algorithm?: 'RS256' | 'ES256';
}

/** A duration in seconds, or a string such as `15m`, `1h`, `30d`. */
export type Duration = number | string;

/**
 * A keys directory managed by the CLI (`keys`, `keys --rotate`,
 * `keys --retire KID`), usually made by `keysFromDirectory(dir)`. Its
 * private key signs; keys rotated out keep verifying until retired, or
 * until the longest access token lifetime has passed. Running apps read
 * the directory again every `reloadInterval`, and at once (at most once a
 * second) when a token names a `kid` they do not know.
 *
 * @publicApi
 */
export interface KeyDirectorySource {
  directory: string;
  /**
   * How often the directory is read again; 1 second to 1 hour.
   * @default '10s'
   */
  reloadInterval?: Duration;
}

/**
 * Options of {@link PasswordGrantModule}.
 *
 * @typeParam TUser - the host's user type
 * @publicApi
 */
export interface PasswordGrantModuleOptions<TUser = any> {
  /**
   * The default user provider: a name registered in `userProviders`, or a
   * provider object or class.
   */
  userProvider: string | UserProviderInput<TUser>;

  /**
   * Named user providers. A client stores the name of the one it uses.
   * When `userProvider` is an object or class it is registered as `users`.
   * @default {}
   */
  userProviders?: Record<string, UserProviderInput>;

  /** Replaces every provider's username lookup. */
  findForPassport?: (
    username: string,
    client: PasswordGrantClient,
  ) => TUser | null | undefined | Promise<TUser | null | undefined>;

  /** Replaces the bcrypt password check for every provider. */
  validateForPassportPasswordGrant?: (
    user: TUser,
    password: string,
  ) => boolean | Promise<boolean>;

  /**
   * Signing keys: fixed keys (the first with a private key signs), or a
   * keys directory that supports rotation without a restart.
   */
  keys: SigningKeyInput | SigningKeyInput[] | KeyDirectorySource;

  /** `iss` of every access token, checked by the guards. */
  issuer: string;

  /**
   * `aud` of access tokens, checked by the guards.
   * @default the issuer
   */
  audience?: string;

  /** @default '1h' */
  tokensExpireIn?: Duration;

  /** @default '30d' */
  refreshTokensExpireIn?: Duration;

  /** Scope names and their descriptions (Passport's `tokensCan`). */
  scopes?: Record<string, string>;

  /**
   * Scopes granted when a request names none.
   * @default []
   */
  defaultScopes?: string[];

  /**
   * Rotate refresh tokens: a used one is consumed.
   * @default true
   */
  revokeRefreshTokenAfterUse?: boolean;

  /**
   * Leeway in seconds for `exp` and `nbf`; at most 300.
   * @default 30
   */
  clockTolerance?: number;

  /**
   * `realm` of the `WWW-Authenticate` challenges.
   * @default 'api'
   */
  realm?: string;

  /**
   * Load the full user through the provider's `findById` on each guarded
   * request, for `@CurrentUser()`. Off by default: guards then never touch
   * the database.
   * @default false
   */
  loadUser?: boolean;

  /**
   * Size of the guard's cache of verified tokens.
   * @default 10000
   */
  verifiedTokenCacheSize?: number;

  /**
   * A refresh token unused for this long expires, even before
   * `refreshTokensExpireIn` (RFC 9700 §4.14.2). Rotation does not extend
   * the absolute lifetime: every token of a family expires when the first
   * one would have.
   * @default '14d'
   */
  refreshTokensIdleExpireIn?: Duration;

  /**
   * With rotation on, how long after its use the immediately previous
   * refresh token is still accepted once (for a client that lost the
   * response). Older tokens are never accepted. At most 60 seconds.
   * @default 0 (off)
   */
  refreshTokenReuseGrace?: Duration;

  /**
   * Serve `POST /oauth/introspect` (RFC 7662).
   * @default true
   */
  introspection?: boolean;

  /** How guards learn of revoked tokens (see {@link RevocationOptions}). */
  revocation?: RevocationOptions;

  /**
   * Brute-force defence of the token endpoint (SPEC §7); `false` turns it
   * off. On by default.
   */
  throttle?: ThrottleOptions | false;
}

/**
 * How revocations reach the guards. By default each instance keeps the
 * revoked, unexpired token ids in memory and reads the new ones from the
 * database every `refreshInterval`; a guard that could not refresh for
 * longer than `maxStaleness` answers 503 instead of trusting old data.
 *
 * @publicApi
 */
export interface RevocationOptions {
  /**
   * Milliseconds between two reads of new revocations.
   * @default 1000
   */
  refreshInterval?: number;

  /**
   * The bound: a revocation made on any instance is refused by every
   * instance within this many milliseconds, and guards answer 503 when
   * their list is older than this.
   * @default 3000
   */
  maxStaleness?: number;

  /**
   * Check the database on every guarded request instead.
   * @default false
   */
  strict?: boolean;
}

/**
 * Options read when the module is declared, so they are given next to the
 * options object (also with `forRootAsync`).
 *
 * @publicApi
 */
export interface PasswordGrantModuleExtras {
  /** Make the module global. @default false */
  isGlobal: boolean;
  /** Register the guard as `APP_GUARD`; `@Public()` opts out. @default false */
  globalGuard: boolean;
  /** Path of the OAuth routes. @default 'oauth' */
  routePrefix: string;
  /** Mount the OAuth routes. @default true */
  registerRoutes: boolean;
  /** Name of the TypeORM DataSource holding the tables. @default the default one */
  dataSource?: string;
}

/**
 * Implemented by a class given to `forRootAsync({ useClass })`.
 *
 * @publicApi
 */
export interface PasswordGrantOptionsFactory {
  createPasswordGrantOptions():
    PasswordGrantModuleOptions | Promise<PasswordGrantModuleOptions>;
}
