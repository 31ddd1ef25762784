// Module and options
export { PasswordGrantModule } from './password-grant.module.js';
export {
  ASYNC_OPTIONS_TYPE,
  OPTIONS_TYPE,
  PASSWORD_GRANT_MODULE_OPTIONS,
} from './password-grant.module-definition.js';
export { PASSWORD_GRANT_CONFIG } from './password-grant.constants.js';
export type { PasswordGrantConfig } from './password-grant-config.js';
export type {
  Duration,
  KeyDirectorySource,
  PasswordGrantModuleExtras,
  PasswordGrantModuleOptions,
  PasswordGrantOptionsFactory,
  RevocationOptions,
  SigningKeyInput,
  UserProviderInput,
} from './interfaces/password-grant-module-options.interface.js';

// User providers
export type { UserProvider } from './interfaces/user-provider.interface.js';
export type { PasswordGrantClient } from './interfaces/password-grant-client.interface.js';
export {
  typeOrmUserProvider,
  type TypeOrmUserProviderOptions,
} from './users/typeorm-user-provider.js';

// Guards and decorators
export { PasswordGrantGuard } from './guards/password-grant.guard.js';
export { Public } from './decorators/public.decorator.js';
export {
  AnyScope,
  ForProvider,
  Scopes,
} from './decorators/scopes.decorator.js';
export {
  AccessToken,
  CurrentUser,
} from './decorators/current-user.decorator.js';
export type {
  AccessTokenClaims,
  TokenPrincipal,
} from './interfaces/access-token-claims.interface.js';

// Services
export {
  ClientRepository,
  type CreatedClient,
  type CreatePasswordClientOptions,
} from './client/client.repository.js';
export {
  AccessTokenService,
  type AccessTokenSubject,
  type SignedAccessToken,
} from './token/access-token.service.js';
export type { TokenResponse } from './token/token-response.interface.js';
export { TokenRepository } from './revocation/token.repository.js';
export {
  PASSWORD_GRANT_EVENT_PREFIX,
  PasswordGrantEvents,
  type PasswordGrantEventMap,
  type PasswordGrantEventName,
} from './events/password-grant-events.service.js';
export type { IntrospectionResponse } from './token/token-introspection.service.js';
export type { PublishedJwk } from './token/discovery.service.js';

// Storage
export {
  passwordGrantEntities,
  passwordGrantMigrations,
} from './persistence/entities.js';
export { OAuthClientEntity } from './persistence/oauth-client.entity.js';
export { OAuthAccessTokenEntity } from './persistence/oauth-access-token.entity.js';
export { OAuthRefreshTokenEntity } from './persistence/oauth-refresh-token.entity.js';

// Keys
export {
  keysFromDirectory,
  PRIVATE_KEY_FILE,
  PUBLIC_KEY_FILE,
  writeKeyPair,
} from './keys/key-files.js';
export { PREVIOUS_KEYS_FILE } from './keys/key-directory.js';
export {
  listKeys,
  retireKey,
  rotateKeyPair,
  type KeyListing,
} from './keys/key-rotation.js';

// Purge
export {
  DEFAULT_PURGE_HOURS,
  TokenPurger,
  type PurgeOptions,
  type PurgeResult,
} from './purge/token-purger.service.js';

// Errors
export {
  OAuthErrorException,
  type OAuthErrorBody,
  type OAuthErrorCode,
} from './errors/oauth-error.exception.js';
export {
  PasswordGrantError,
  type PasswordGrantErrorCode,
} from './errors/password-grant.error.js';
export { useOAuthErrorResponses } from './errors/oauth-exception.filter.js';

// Testing
export {
  ACTING_AS_CLIENT_ID,
  actingAs,
  type ActingAsOptions,
  type ActingAsToken,
} from './testing/acting-as.helper.js';

// CLI
export {
  runPasswordGrantCli,
  type PasswordGrantCliOptions,
} from './cli/run-cli.js';

// Brute-force defence
export {
  LoginThrottler,
  type RequestOrigin,
} from './throttle/login-throttler.service.js';
export { MemoryThrottleStore } from './throttle/memory-throttle.store.js';
export { DatabaseThrottleStore } from './throttle/database-throttle.store.js';
export {
  RedisThrottleStore,
  type RedisScriptRunner,
} from './throttle/redis-throttle.store.js';
export type {
  ThrottleEntry,
  ThrottleStore,
} from './throttle/throttle-store.interface.js';
export type {
  AccountLockoutOptions,
  RateLimit,
  ThrottleOptions,
} from './throttle/throttle-options.interface.js';
