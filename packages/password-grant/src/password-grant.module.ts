import { LoginThrottler } from './throttle/login-throttler.service.js';
import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ClientAuthenticator } from './client/client-authenticator.service.js';
import { ClientRepository } from './client/client.repository.js';
import { OAuthExceptionFilter } from './errors/oauth-exception.filter.js';
import { AccessTokenStrategy } from './guards/access-token.strategy.js';
import { PasswordGrantGuard } from './guards/password-grant.guard.js';
import { KeyStoreRefresher } from './keys/key-store-refresher.service.js';
import type { PasswordGrantModuleOptions } from './interfaces/password-grant-module-options.interface.js';
import { PASSWORD_GRANT_CONFIG } from './password-grant.constants.js';
import { resolvePasswordGrantConfig } from './password-grant-config.js';
import {
  ConfigurableModuleClass,
  PASSWORD_GRANT_MODULE_OPTIONS,
} from './password-grant.module-definition.js';
import { PasswordGrantStorage } from './persistence/password-grant-storage.service.js';
import { TokenPurger } from './purge/token-purger.service.js';
import { AccessTokenService } from './token/access-token.service.js';
import { TokenService } from './token/token.service.js';
import { PasswordGrantEvents } from './events/password-grant-events.service.js';
import { RevocationStore } from './revocation/revocation-store.service.js';
import { TokenRepository } from './revocation/token.repository.js';
import { DiscoveryService } from './token/discovery.service.js';
import { RefreshTokenGrant } from './token/refresh-token-grant.service.js';
import { TokenIntrospectionService } from './token/token-introspection.service.js';
import { TokenIssuer } from './token/token-issuer.service.js';
import { TokenLookup } from './token/token-lookup.service.js';
import { TokenRevocationService } from './token/token-revocation.service.js';
import { PasswordVerifier } from './users/password-verifier.service.js';
import { UserProviders } from './users/user-providers.service.js';

/**
 * Embeds an OAuth 2.0 authorization server for the password and refresh
 * token grants in a Nest app, and the guard that accepts its tokens.
 *
 * @example
 * @Module({
 *   imports: [
 *     TypeOrmModule.forRoot({ ..., autoLoadEntities: true }),
 *     PasswordGrantModule.forRoot({
 *       userProvider: typeOrmUserProvider(User),
 *       keys: keysFromDirectory('storage'),
 *       issuer: 'https://api.example.com',
 *       scopes: { read: 'Read your data' },
 *     }),
 *   ],
 * })
 * export class AppModule {}
 * @publicApi
 */
@Module({
  imports: [PassportModule],
  providers: [
    {
      provide: PASSWORD_GRANT_CONFIG,
      inject: [PASSWORD_GRANT_MODULE_OPTIONS],
      useFactory: (options: PasswordGrantModuleOptions) =>
        resolvePasswordGrantConfig(options),
    },
    PasswordGrantStorage,
    ClientRepository,
    ClientAuthenticator,
    UserProviders,
    PasswordVerifier,
    AccessTokenService,
    AccessTokenStrategy,
    TokenService,
    OAuthExceptionFilter,
    PasswordGrantGuard,
    PasswordGrantEvents,
    RevocationStore,
    TokenRepository,
    TokenIssuer,
    RefreshTokenGrant,
    TokenLookup,
    TokenRevocationService,
    TokenIntrospectionService,
    DiscoveryService,
    KeyStoreRefresher,
    TokenPurger,
    LoginThrottler,
  ],
  exports: [
    PASSWORD_GRANT_CONFIG,
    ClientRepository,
    AccessTokenService,
    UserProviders,
    PasswordGrantGuard,
    TokenRepository,
    PasswordGrantEvents,
    RevocationStore,
    TokenPurger,
    LoginThrottler,
    AccessTokenStrategy,
  ],
})
export class PasswordGrantModule extends ConfigurableModuleClass {}
