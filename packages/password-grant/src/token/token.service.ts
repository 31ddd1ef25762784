import { Inject, Injectable, Logger } from '@nestjs/common';
import { toClient } from '../client/client.repository.js';
import { ClientAuthenticator } from '../client/client-authenticator.service.js';
import { OAuthErrorException } from '../errors/oauth-error.exception.js';
import {
  PasswordGrantEvents,
  type PasswordGrantEventMap,
} from '../events/password-grant-events.service.js';
import type { PasswordGrantClient } from '../interfaces/password-grant-client.interface.js';
import {
  isUnicodeCharNoCrlf,
  readParameters,
} from '../internal/request-parameters.util.js';
import { ALL_SCOPES, parseScope } from '../internal/scope.util.js';
import {
  BCRYPT_MAX_BYTES,
  CUSTOM_CHECK_MAX_BYTES,
  PASSWORD_GRANT,
  PASSWORD_GRANT_CONFIG,
  REFRESH_TOKEN_GRANT,
} from '../password-grant.constants.js';
import type { UserProvider } from '../interfaces/user-provider.interface.js';
import type { PasswordGrantConfig } from '../password-grant-config.js';
import type { OAuthClientEntity } from '../persistence/oauth-client.entity.js';
import { UserProviders } from '../users/user-providers.service.js';
import { PasswordVerifier } from '../users/password-verifier.service.js';
import {
  LoginThrottler,
  type RequestOrigin,
} from '../throttle/login-throttler.service.js';
import { RefreshTokenGrant } from './refresh-token-grant.service.js';
import { TokenIssuer } from './token-issuer.service.js';
import type { TokenResponse } from './token-response.interface.js';

const PARAMETERS = [
  'grant_type',
  'client_id',
  'client_secret',
  'username',
  'password',
  'scope',
  'refresh_token',
] as const;

type Parameters = Partial<Record<(typeof PARAMETERS)[number], string>>;

/** A token request as the controller hands it over. */
export interface TokenRequest {
  body: unknown;
  authorization?: string;
  /** Where the request came from, for the brute-force defence. */
  origin?: RequestOrigin;
}

/**
 * The token endpoint's grants.
 *
 * The password grant (RFC 6749 §4.3) hands the user's password to the
 * client. RFC 9700 §2.4 says it MUST NOT be used; this library offers it
 * only for first-party, highly trusted clients that cannot use a redirect
 * flow, and only to clients created as password clients.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.4
 */
@Injectable()
export class TokenService {
  private readonly logger = new Logger(TokenService.name);

  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly providers: UserProviders,
    private readonly passwords: PasswordVerifier,
    private readonly issuer: TokenIssuer,
    private readonly refreshGrant: RefreshTokenGrant,
    private readonly events: PasswordGrantEvents,
    private readonly throttler: LoginThrottler,
    @Inject(PASSWORD_GRANT_CONFIG) private readonly config: PasswordGrantConfig,
  ) {}

  async token(request: TokenRequest): Promise<TokenResponse> {
    // SPEC §7.1: the per-address limit comes before any other work.
    await this.throttler.assertAddressAllowed(request.origin);
    const params = readParameters(request.body, PARAMETERS);
    if (params.grant_type === REFRESH_TOKEN_GRANT) {
      return this.refreshGrant.grant(
        params,
        request.authorization,
        request.origin,
      );
    }
    if (params.grant_type !== PASSWORD_GRANT) {
      throw OAuthErrorException.unsupportedGrantType();
    }
    return this.passwordGrant(params, request);
  }

  private async passwordGrant(
    params: Parameters,
    request: TokenRequest,
  ): Promise<TokenResponse> {
    const client = await this.clients.authenticateForGrant(
      {
        authorization: request.authorization,
        clientId: params.client_id,
        clientSecret: params.client_secret,
        origin: request.origin,
      },
      PASSWORD_GRANT,
    );
    const scopes = this.grantedScopes(params.scope);
    const userId = await this.authenticateUser(client, params, request.origin);

    const response = await this.issuer.issue({
      client,
      userId,
      scopes,
      requestedScope: params.scope,
    });
    this.logger.debug(`password grant issued tokens to client ${client.id}`);
    return response;
  }

  /**
   * RFC 6749 §3.3: an unknown scope is `invalid_scope`; none requested
   * means the default scopes.
   */
  private grantedScopes(requested: string | undefined): string[] {
    const scopes = parseScope(requested);
    if (scopes === null) {
      throw OAuthErrorException.invalidScope(
        'The requested scope is malformed.',
      );
    }
    if (scopes.length === 0) return [...this.config.defaultScopes];
    for (const name of scopes) {
      if (name !== ALL_SCOPES && !(name in this.config.scopes)) {
        throw OAuthErrorException.invalidScope(
          'The requested scope is invalid, unknown, or malformed.',
        );
      }
    }
    return scopes;
  }

  /** The user's token subject, or one `invalid_grant` for every failure. */
  private async authenticateUser(
    entity: OAuthClientEntity,
    params: Parameters,
    origin: RequestOrigin = { address: 'unknown' },
  ): Promise<string> {
    const { username, password } = params;
    if (username === undefined || password === undefined) {
      const missing = username === undefined ? 'username' : 'password';
      throw OAuthErrorException.invalidRequest(
        `The request is missing the "${missing}" parameter.`,
      );
    }
    const client = toClient(entity);
    const provider = this.providers.get(client.provider);
    this.checkCredentialSyntax(provider, username, password);
    const options = this.config.options;
    const find =
      options.findForPassport ?? provider.findForPassport.bind(provider);
    const user: unknown = await find(username, client);
    if (user === null || user === undefined) {
      await this.throttler.check(() => this.passwords.burn());
      throw this.userRefused(client, origin, 'unknown_user', null);
    }
    const id = this.subjectOf(provider, user);
    // SPEC §7.2: lockouts are kept per account found (not per spelling of
    // the username) and address; a locked account answers like a wrong
    // password and spends the same bcrypt work.
    const keys = await this.throttler.keysFor(
      `${client.provider}:${id}`,
      origin,
    );
    if (await this.throttler.isLocked(keys)) {
      await this.throttler.check(() => this.passwords.burn());
      throw this.userRefused(client, origin, 'locked', id);
    }
    await this.throttler.recordCheck(keys);
    const valid = await this.throttler.check(() =>
      this.checkPassword(provider, user, password),
    );
    if (!valid) {
      await this.throttler.recordFailure(keys);
      throw this.userRefused(client, origin, 'bad_password', id);
    }
    await this.throttler.recordSuccess(keys);
    return id;
  }

  private subjectOf(provider: UserProvider, user: unknown): string {
    const id = provider.getAuthIdentifier
      ? provider.getAuthIdentifier(user)
      : (user as { id?: string | number }).id;
    if (id === undefined || id === null || String(id) === '') {
      this.logger.error('The user provider returned a user without an id.');
      throw OAuthErrorException.serverError();
    }
    return String(id);
  }

  private checkCredentialSyntax(
    provider: UserProvider,
    username: string,
    password: string,
  ): void {
    if (!isUnicodeCharNoCrlf(username) || !isUnicodeCharNoCrlf(password)) {
      throw OAuthErrorException.invalidRequest(
        'The username and password must not contain control characters.',
      );
    }
    if (Buffer.byteLength(username, 'utf8') > 255) {
      throw OAuthErrorException.invalidRequest(
        'The username is longer than 255 bytes.',
      );
    }
    const limit = this.usesBcrypt(provider)
      ? BCRYPT_MAX_BYTES
      : CUSTOM_CHECK_MAX_BYTES;
    if (Buffer.byteLength(password, 'utf8') > limit) {
      throw OAuthErrorException.invalidRequest(
        `The password is longer than ${limit} bytes.`,
      );
    }
  }

  private usesBcrypt(provider: UserProvider): boolean {
    return !(
      this.config.options.validateForPassportPasswordGrant ??
      provider.validateForPassportPasswordGrant
    );
  }

  private async checkPassword(
    provider: UserProvider,
    user: unknown,
    password: string,
  ): Promise<boolean> {
    const custom =
      this.config.options.validateForPassportPasswordGrant ??
      provider.validateForPassportPasswordGrant?.bind(provider);
    if (custom) return (await custom(user, password)) === true;
    const hash = provider.getAuthPassword
      ? provider.getAuthPassword(user)
      : (user as { password?: unknown }).password;
    return this.passwords.verify(password, hash);
  }

  private userRefused(
    client: PasswordGrantClient,
    origin: RequestOrigin,
    reason: PasswordGrantEventMap['user.authentication_failed']['reason'],
    userId: string | null,
  ): Error {
    this.events.emit('user.authentication_failed', {
      clientId: client.id,
      provider: client.provider,
      reason,
      userId,
      address: origin.address,
    });
    return OAuthErrorException.invalidCredentials();
  }
}
