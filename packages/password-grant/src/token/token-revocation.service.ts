import { Inject, Injectable } from '@nestjs/common';
import type { RequestOrigin } from '../throttle/login-throttler.service.js';
import { ClientAuthenticator } from '../client/client-authenticator.service.js';
import { OAuthErrorException } from '../errors/oauth-error.exception.js';
import { readParameters } from '../internal/request-parameters.util.js';
import { PASSWORD_GRANT_CONFIG } from '../password-grant.constants.js';
import type { PasswordGrantConfig } from '../password-grant-config.js';
import type { OAuthClientEntity } from '../persistence/oauth-client.entity.js';
import { TokenRepository } from '../revocation/token.repository.js';
import { TokenLookup } from './token-lookup.service.js';

const PARAMETERS = [
  'token',
  'token_type_hint',
  'client_id',
  'client_secret',
] as const;

/** An authenticated request about one token (RFC 7009, RFC 7662). */
export interface TokenEndpointRequest {
  body: unknown;
  authorization?: string;
  origin?: RequestOrigin;
}

/** The client, the token text and its hint of such a request. */
export interface TokenQuery {
  client: OAuthClientEntity;
  token: string;
  hint?: string;
}

/**
 * Reads and checks the parameters of a revocation or introspection
 * request and authenticates its client (RFC 7009 §2.1, RFC 7662 §2.1).
 * A request with no client credentials at all is `invalid_client` (401,
 * with a Basic challenge), not `invalid_request`: these endpoints exist
 * only for authenticated clients.
 */
export async function readTokenQuery(
  request: TokenEndpointRequest,
  clients: ClientAuthenticator,
  realm: string,
): Promise<TokenQuery> {
  const params = readParameters(request.body, PARAMETERS);
  if (request.authorization === undefined && params.client_id === undefined) {
    throw OAuthErrorException.invalidClient(realm, true);
  }
  const client = await clients.authenticate({
    authorization: request.authorization,
    clientId: params.client_id,
    clientSecret: params.client_secret,
    origin: request.origin,
  });
  if (params.token === undefined) {
    throw OAuthErrorException.invalidRequest(
      'The request is missing the "token" parameter.',
    );
  }
  return { client, token: params.token, hint: params.token_type_hint };
}

/**
 * Token revocation (RFC 7009). Revoking an access or a refresh token
 * revokes its whole grant: every refresh token of the family and every
 * access token issued from it (§2.1 allows and recommends this).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7009
 */
@Injectable()
export class TokenRevocationService {
  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly lookup: TokenLookup,
    private readonly tokens: TokenRepository,
    @Inject(PASSWORD_GRANT_CONFIG) private readonly config: PasswordGrantConfig,
  ) {}

  /**
   * RFC 7009 §2.2: an unknown or invalid token still gets 200. §2.1: a
   * token issued to another client is refused and stays valid.
   */
  async revoke(request: TokenEndpointRequest): Promise<void> {
    const { client, token, hint } = await readTokenQuery(
      request,
      this.clients,
      this.config.realm,
    );
    const found = await this.lookup.find(token, hint);
    if (!found) return;
    if (found.row.clientId !== client.id) {
      throw new OAuthErrorException(
        'unauthorized_client',
        'The token was not issued to this client.',
      );
    }
    await this.tokens.revokeGrant(found.row.grantId);
  }
}
