import { HttpException } from '@nestjs/common';

/**
 * The error codes of RFC 6749 §5.2, plus `temporarily_unavailable` and
 * `server_error` for failures on our side.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 * @publicApi
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'temporarily_unavailable'
  | 'too_many_requests'
  | 'server_error';

const STATUS: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  temporarily_unavailable: 503,
  too_many_requests: 429,
  server_error: 500,
};

/** The body of an OAuth error response. */
export interface OAuthErrorBody {
  error: OAuthErrorCode;
  error_description: string;
  hint?: string;
}

/**
 * A protocol error sent to the client as `{ error, error_description }`.
 *
 * The description is fixed per case and never echoes request data. Detail
 * meant for operators goes to `detail`, which is logged at debug level and
 * never sent.
 *
 * @publicApi
 */
export class OAuthErrorException extends HttpException {
  /** Headers the response must carry, such as `WWW-Authenticate`. */
  readonly headers: Record<string, string>;

  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    options: {
      headers?: Record<string, string>;
      hint?: string;
      detail?: string;
      /** Overrides the code's status, e.g. 405 or 413 for `invalid_request`. */
      status?: number;
    } = {},
  ) {
    const body: OAuthErrorBody = { error, error_description: description };
    if (options.hint) body.hint = options.hint;
    super(body, options.status ?? STATUS[error]);
    this.headers = options.headers ?? {};
    this.detail = options.detail;
  }

  readonly detail: string | undefined;

  static invalidRequest(description: string): OAuthErrorException {
    return new OAuthErrorException('invalid_request', description);
  }

  /**
   * Failed client authentication. RFC 6749 §5.2: when the client used the
   * `Authorization` header, the 401 carries a matching `WWW-Authenticate`.
   */
  static invalidClient(
    realm: string,
    usedHeader: boolean,
  ): OAuthErrorException {
    return new OAuthErrorException(
      'invalid_client',
      'Client authentication failed.',
      usedHeader
        ? { headers: { 'WWW-Authenticate': `Basic realm="${realm}"` } }
        : {},
    );
  }

  /** One body for every resource-owner failure, so none can be told apart. */
  static invalidCredentials(): OAuthErrorException {
    return new OAuthErrorException(
      'invalid_grant',
      'The user credentials were incorrect.',
    );
  }

  static invalidGrant(description: string): OAuthErrorException {
    return new OAuthErrorException('invalid_grant', description);
  }

  static unauthorizedClient(): OAuthErrorException {
    return new OAuthErrorException(
      'unauthorized_client',
      'The client is not authorized to use this grant type.',
    );
  }

  static unsupportedGrantType(): OAuthErrorException {
    return new OAuthErrorException(
      'unsupported_grant_type',
      'The authorization grant type is not supported by the authorization server.',
      { hint: 'Check that all required parameters have been provided.' },
    );
  }

  static invalidScope(description: string): OAuthErrorException {
    return new OAuthErrorException('invalid_scope', description);
  }

  static temporarilyUnavailable(): OAuthErrorException {
    return new OAuthErrorException(
      'temporarily_unavailable',
      'The service is temporarily unavailable. Try again shortly.',
      { headers: { 'Retry-After': '5' } },
    );
  }

  /**
   * Brute-force defence (SPEC §7): 429 with `Retry-After` in seconds, as
   * RFC 6585 §4 describes.
   *
   * @see https://www.rfc-editor.org/rfc/rfc6585#section-4
   */
  static tooManyRequests(retryAfter: number): OAuthErrorException {
    return new OAuthErrorException(
      'too_many_requests',
      'Too many requests. Try again later.',
      { headers: { 'Retry-After': String(retryAfter) } },
    );
  }

  static serverError(): OAuthErrorException {
    return new OAuthErrorException(
      'server_error',
      'The server encountered an unexpected error.',
    );
  }
}
