/**
 * Stable codes of the configuration and programming errors the library
 * throws. They are listed in the README.
 *
 * @publicApi
 */
export type PasswordGrantErrorCode =
  | 'ERR_PASSWORD_GRANT_INVALID_OPTIONS'
  | 'ERR_PASSWORD_GRANT_INVALID_KEY'
  | 'ERR_PASSWORD_GRANT_ENTITIES_NOT_REGISTERED'
  | 'ERR_PASSWORD_GRANT_UNKNOWN_PROVIDER'
  | 'ERR_PASSWORD_GRANT_UNKNOWN_CLIENT'
  | 'ERR_PASSWORD_GRANT_CLI';

/**
 * A misconfiguration or misuse of the library. The message says what to
 * change; it never contains key material or secrets.
 *
 * @publicApi
 */
export class PasswordGrantError extends Error {
  constructor(
    readonly code: PasswordGrantErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
