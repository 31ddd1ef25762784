/**
 * What the library tells a user provider about the client asking for a
 * token. Never carries the secret or its digest.
 *
 * @publicApi
 */
export interface PasswordGrantClient {
  id: string;
  name: string;
  /** The user provider this client logs users in with. */
  provider: string;
  grantTypes: string[];
  /** True when the client has a secret and must authenticate. */
  confidential: boolean;
  revoked: boolean;
  createdAt: Date;
}
