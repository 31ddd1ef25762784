/**
 * The claims of an access token (RFC 9068 §2.2), as the guard hands them
 * to `@AccessToken()`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2.2
 * @publicApi
 */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  client_id: string;
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
  scope: string;
  scopes: string[];
  /** The user provider of the client the token was issued to. */
  provider: string;
}

/**
 * What `@CurrentUser()` returns when the guard does not load users: the
 * token's principal.
 *
 * @publicApi
 */
export interface TokenPrincipal {
  id: string;
  clientId: string;
  provider: string;
  scopes: string[];
}
