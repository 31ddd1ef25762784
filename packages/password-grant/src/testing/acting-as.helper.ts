import type { INestApplicationContext } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { PasswordGrantError } from '../errors/password-grant.error.js';
import { ALL_SCOPES } from '../internal/scope.util.js';
import { PASSWORD_GRANT_CONFIG } from '../password-grant.constants.js';
import type { PasswordGrantConfig } from '../password-grant-config.js';
import { PasswordGrantStorage } from '../persistence/password-grant-storage.service.js';
import {
  AccessTokenService,
  type AccessTokenSubject,
} from '../token/access-token.service.js';

/**
 * The `client_id` of tokens made by {@link actingAs} when no client is
 * named. No client has it, so nothing can log in with it.
 *
 * @publicApi
 */
export const ACTING_AS_CLIENT_ID = '00000000-0000-4000-8000-000000000000';

/**
 * Whom a test acts as.
 *
 * @publicApi
 */
export interface ActingAsOptions {
  /** The token subject: the id the user provider gives the user. */
  userId: string | number;
  /**
   * Scopes the token carries; `*` satisfies any. Each must be one of the
   * module's `scopes`.
   * @default the module's `defaultScopes`
   */
  scopes?: string[];
  /**
   * The `client_id` claim. Name a real client when the code under test
   * revokes or looks up tokens by client.
   * @default ACTING_AS_CLIENT_ID
   */
  clientId?: string;
  /**
   * The user provider, checked by `@ForProvider()` guards.
   * @default the module's `userProvider`
   */
  provider?: string;
}

/**
 * An access token made by {@link actingAs}.
 *
 * @publicApi
 */
export interface ActingAsToken {
  accessToken: string;
  /** `Bearer <accessToken>`, the value of the `Authorization` header. */
  authorization: string;
  jti: string;
  expiresAt: Date;
}

function invalid(message: string): PasswordGrantError {
  return new PasswordGrantError(
    'ERR_PASSWORD_GRANT_INVALID_OPTIONS',
    `actingAs(): ${message}`,
  );
}

function checkOptions(
  config: PasswordGrantConfig,
  options: ActingAsOptions,
): AccessTokenSubject {
  const userId = String(options.userId ?? '');
  if (userId === '') throw invalid('userId is required.');
  const provider = options.provider ?? config.defaultProvider;
  if (!config.providers[provider]) {
    throw new PasswordGrantError(
      'ERR_PASSWORD_GRANT_UNKNOWN_PROVIDER',
      `actingAs(): the user provider "${provider}" is not registered (registered: ${Object.keys(config.providers).join(', ')}).`,
    );
  }
  const scopes = options.scopes ?? config.defaultScopes;
  const unknown = scopes.find(
    name => name !== ALL_SCOPES && !(name in config.scopes),
  );
  if (unknown !== undefined) {
    throw invalid(
      `the scope "${unknown}" is not one of the module's scopes (${Object.keys(config.scopes).join(', ') || 'none'}).`,
    );
  }
  const clientId = options.clientId ?? ACTING_AS_CLIENT_ID;
  return { userId, provider, scopes: [...new Set(scopes)], clientId };
}

/**
 * Gives a test an access token for a user and scopes without running the
 * password grant (Laravel Passport's `Passport::actingAs`). The token is
 * signed with the app's own keys, so the real guard accepts it, and
 * recorded in `oauth_access_tokens` as the password grant records tokens,
 * so revoking by `jti`, user or client reaches it. For tests only: whoever
 * holds the app's container can mint tokens with it.
 *
 * @example
 * const { authorization } = await actingAs(app, { userId: 1, scopes: ['read'] });
 * await request(app.getHttpServer()).get('/me').set('Authorization', authorization);
 * @publicApi
 */
export async function actingAs(
  app: INestApplicationContext,
  options: ActingAsOptions,
): Promise<ActingAsToken> {
  const config = app.get<PasswordGrantConfig>(PASSWORD_GRANT_CONFIG, {
    strict: false,
  });
  const subject = checkOptions(config, options);
  const signed = app.get(AccessTokenService, { strict: false }).sign(subject);
  await app.get(PasswordGrantStorage, { strict: false }).accessTokens.insert({
    id: signed.jti,
    clientId: subject.clientId,
    userId: subject.userId,
    grantId: randomBytes(20).toString('hex'),
    scopes: subject.scopes.join(' '),
    revoked: false,
    createdAt: signed.issuedAt,
    expiresAt: signed.expiresAt,
  });
  return {
    accessToken: signed.token,
    authorization: `Bearer ${signed.token}`,
    jti: signed.jti,
    expiresAt: signed.expiresAt,
  };
}
