import { Inject, Injectable } from '@nestjs/common';
import { OAuthErrorException } from '../errors/oauth-error.exception.js';
import { PasswordGrantEvents } from '../events/password-grant-events.service.js';
import { parseBasicCredentials } from '../internal/basic-credentials.util.js';
import { verifyClientSecret } from '../internal/client-secret.util.js';
import { PASSWORD_GRANT_CONFIG } from '../password-grant.constants.js';
import type { PasswordGrantConfig } from '../password-grant-config.js';
import type { OAuthClientEntity } from '../persistence/oauth-client.entity.js';
import {
  LoginThrottler,
  type RequestOrigin,
} from '../throttle/login-throttler.service.js';
import { ClientRepository } from './client.repository.js';

/** The client credentials of a request, from the body and the header. */
export interface ClientCredentialsInput {
  authorization?: string;
  clientId?: string;
  clientSecret?: string;
  /** Where the request came from, for throttling secret guessing. */
  origin?: RequestOrigin;
}

/**
 * Authenticates the client of a token request: HTTP Basic or body
 * parameters, never both (RFC 6749 §2.3).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
@Injectable()
export class ClientAuthenticator {
  constructor(
    private readonly clients: ClientRepository,
    private readonly events: PasswordGrantEvents,
    private readonly throttler: LoginThrottler,
    @Inject(PASSWORD_GRANT_CONFIG) private readonly config: PasswordGrantConfig,
  ) {}

  async authenticate(
    input: ClientCredentialsInput,
  ): Promise<OAuthClientEntity> {
    const basic = parseBasicCredentials(input.authorization);
    const usedHeader = basic !== undefined;
    const fail = (clientId: string | null = null) => {
      this.events.emit('client.authentication_failed', { clientId });
      return OAuthErrorException.invalidClient(this.config.realm, usedHeader);
    };
    if (basic === null) throw fail();
    if (basic && input.clientSecret !== undefined) {
      throw OAuthErrorException.invalidRequest(
        'The client used more than one authentication method.',
      );
    }
    if (
      basic &&
      input.clientId !== undefined &&
      input.clientId !== basic.clientId
    ) {
      throw OAuthErrorException.invalidRequest(
        'The client_id parameter does not match the Authorization header.',
      );
    }
    const clientId = basic ? basic.clientId : input.clientId;
    const secret = basic ? basic.clientSecret || undefined : input.clientSecret;
    if (clientId === undefined || clientId === '') {
      throw OAuthErrorException.invalidRequest(
        'The request is missing the "client_id" parameter.',
      );
    }

    // SPEC §7.3: secret guessing is throttled per client id and address.
    await this.throttler.assertClientAttemptsAllowed(clientId, input.origin);
    const client = await this.clients.findEntity(clientId);
    if (!client || client.revoked || !this.secretMatches(client, secret)) {
      await this.throttler.recordClientFailure(clientId, input.origin);
      throw fail(clientId);
    }
    return client;
  }

  /**
   * Authenticates the client, then checks that it may use `grantType`
   * (`unauthorized_client` otherwise, RFC 6749 §5.2).
   */
  async authenticateForGrant(
    input: ClientCredentialsInput,
    grantType: string,
  ): Promise<OAuthClientEntity> {
    const client = await this.authenticate(input);
    if (!client.grantTypes.split(' ').includes(grantType)) {
      throw OAuthErrorException.unauthorizedClient();
    }
    return client;
  }

  private secretMatches(client: OAuthClientEntity, secret?: string): boolean {
    if (client.secretHash === null) return secret === undefined;
    if (secret === undefined) return false;
    return verifyClientSecret(secret, client.secretHash);
  }
}
