/**
 * A successful token response (RFC 6749 §5.1).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 * @publicApi
 */
export interface TokenResponse {
  token_type: 'Bearer';
  expires_in: number;
  access_token: string;
  refresh_token: string;
  /** Present when the granted scope differs from the requested one. */
  scope?: string;
}
