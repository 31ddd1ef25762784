import { Inject, Injectable } from '@nestjs/common';
import type { JsonWebKey } from 'node:crypto';
import { PASSWORD_GRANT_CONFIG } from '../password-grant.constants.js';
import type { PasswordGrantConfig } from '../password-grant-config.js';

/**
 * A public key as published at the JWKS endpoint (RFC 7517).
 *
 * @publicApi
 */
export interface PublishedJwk extends JsonWebKey {
  kid: string;
  alg: string;
  use: 'sig';
}

/** Only these members of a key are public; everything else is dropped. */
const PUBLIC_MEMBERS = ['kty', 'n', 'e', 'crv', 'x', 'y'] as const;

const CLIENT_AUTH = ['client_secret_basic', 'client_secret_post'];

/**
 * Builds the JWKS document and the RFC 8414 authorization server metadata
 * from the configuration. The endpoint URLs are the issuer followed by the
 * route prefix; a host that mounts the routes elsewhere (a global prefix,
 * a proxy path) should serve its own metadata.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
@Injectable()
export class DiscoveryService {
  constructor(
    @Inject(PASSWORD_GRANT_CONFIG) private readonly config: PasswordGrantConfig,
  ) {}

  /** RFC 7517 §5: the verification keys, public members only. */
  jwks(): { keys: PublishedJwk[] } {
    return {
      keys: this.config.keys.map(key => {
        const jwk = key.publicKey.export({ format: 'jwk' });
        const published: PublishedJwk = {
          kid: key.kid,
          alg: key.algorithm,
          use: 'sig',
        };
        for (const name of PUBLIC_MEMBERS) {
          if (jwk[name] !== undefined) published[name] = jwk[name];
        }
        return published;
      }),
    };
  }

  /**
   * RFC 8414 §2. `grant_types_supported` lists exactly the grants this
   * server runs. `response_types_supported` is left out on purpose: there
   * is no authorization endpoint, and naming a response type would invite
   * clients to use one.
   */
  metadata(routePrefix: string): Record<string, unknown> {
    const base = `${this.config.issuer.replace(/\/+$/, '')}/${routePrefix.replace(/^\/+|\/+$/g, '')}`;
    const metadata: Record<string, unknown> = {
      issuer: this.config.issuer,
      token_endpoint: `${base}/token`,
      jwks_uri: `${base}/jwks`,
      grant_types_supported: ['password', 'refresh_token'],
      token_endpoint_auth_methods_supported: [...CLIENT_AUTH, 'none'],
      revocation_endpoint: `${base}/revoke`,
      revocation_endpoint_auth_methods_supported: [...CLIENT_AUTH, 'none'],
    };
    if (this.config.introspection) {
      metadata.introspection_endpoint = `${base}/introspect`;
      metadata.introspection_endpoint_auth_methods_supported = CLIENT_AUTH;
    }
    const scopes = Object.keys(this.config.scopes);
    if (scopes.length > 0) metadata.scopes_supported = scopes;
    return metadata;
  }
}
