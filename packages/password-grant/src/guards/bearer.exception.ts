import { HttpException } from '@nestjs/common';

/** Sets a header on an Express or Fastify response. */
export function setResponseHeader(
  response: unknown,
  name: string,
  value: string,
): void {
  const target = response as {
    header?: (name: string, value: string) => unknown;
    setHeader?: (name: string, value: string) => unknown;
  };
  if (typeof target.header === 'function') target.header(name, value);
  else target.setHeader?.(name, value);
}

/**
 * An RFC 6750 §3 answer to a request for a protected route. Without
 * credentials the challenge carries no error code (§3.1); a bad token is
 * `invalid_token` (401), a missing scope `insufficient_scope` (403).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export class BearerException extends HttpException {
  constructor(
    readonly challenge: string,
    body: Record<string, unknown>,
    status: number,
  ) {
    super(body, status);
  }

  static missing(realm: string): BearerException {
    return new BearerException(
      `Bearer realm="${realm}"`,
      { statusCode: 401, message: 'Unauthorized' },
      401,
    );
  }

  static invalidToken(realm: string): BearerException {
    const description = 'The access token is invalid, expired or revoked.';
    return new BearerException(
      `Bearer realm="${realm}", error="invalid_token", error_description="${description}"`,
      { error: 'invalid_token', error_description: description },
      401,
    );
  }

  static invalidRequest(realm: string): BearerException {
    const description = 'The request carries more than one access token.';
    return new BearerException(
      `Bearer realm="${realm}", error="invalid_request", error_description="${description}"`,
      { error: 'invalid_request', error_description: description },
      400,
    );
  }

  static insufficientScope(realm: string, scopes: string[]): BearerException {
    const description = 'The access token lacks a scope this route requires.';
    const scope = scopes.join(' ');
    return new BearerException(
      `Bearer realm="${realm}", error="insufficient_scope", error_description="${description}", scope="${scope}"`,
      { error: 'insufficient_scope', error_description: description, scope },
      403,
    );
  }
}

/**
 * Guards answer 503 with `Retry-After` when they cannot tell whether a
 * token was revoked: the revocation list could not be refreshed within
 * the configured bound (SPEC §5.4). They fail closed, never open.
 */
export class TemporarilyUnavailableException extends HttpException {
  readonly retryAfter = '1';

  constructor() {
    super(
      {
        error: 'temporarily_unavailable',
        error_description:
          'Token revocation cannot be checked right now. Try again shortly.',
      },
      503,
    );
  }
}
