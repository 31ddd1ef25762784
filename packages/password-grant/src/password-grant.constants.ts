/** Injection token of the validated, defaulted module configuration. */
export const PASSWORD_GRANT_CONFIG = Symbol('PASSWORD_GRANT_CONFIG');

/** Name of the passport strategy behind {@link PasswordGrantGuard}. */
export const ACCESS_TOKEN_STRATEGY = 'password-grant-access-token';

/** Metadata keys written by the decorators. */
export const SCOPES_METADATA = 'password-grant:scopes';
export const ANY_SCOPE_METADATA = 'password-grant:any-scope';
export const PUBLIC_METADATA = 'password-grant:public';
export const PROVIDER_METADATA = 'password-grant:provider';

/** Where the guard leaves the verified claims on the request. */
export const ACCESS_TOKEN_REQUEST_KEY = 'passwordGrantAccessToken';

export const DEFAULT_ROUTE_PREFIX = 'oauth';
export const DEFAULT_ACCESS_TOKEN_TTL = 60 * 60;
export const DEFAULT_REFRESH_TOKEN_TTL = 30 * 24 * 60 * 60;
export const DEFAULT_REFRESH_TOKEN_IDLE_TTL = 14 * 24 * 60 * 60;
export const MAX_REFRESH_TOKEN_GRACE = 60;
export const DEFAULT_REVOCATION_REFRESH_INTERVAL = 1000;
export const DEFAULT_REVOCATION_MAX_STALENESS = 3000;
export const DEFAULT_CLOCK_TOLERANCE = 30;
export const MAX_CLOCK_TOLERANCE = 300;
export const DEFAULT_REALM = 'api';

/** bcrypt reads only the first 72 bytes of a password. */
export const BCRYPT_MAX_BYTES = 72;

/** Longest password accepted when the host replaces the bcrypt check. */
export const CUSTOM_CHECK_MAX_BYTES = 1024;

export const PASSWORD_GRANT = 'password';
export const REFRESH_TOKEN_GRANT = 'refresh_token';

/** Injection token of the TypeORM DataSource holding the tables. */
export const PASSWORD_GRANT_DATA_SOURCE = Symbol('PASSWORD_GRANT_DATA_SOURCE');
