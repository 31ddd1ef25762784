import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
  type INestApplication,
} from '@nestjs/common';
import { BaseExceptionFilter, HttpAdapterHost } from '@nestjs/core';
import { DEFAULT_ROUTE_PREFIX } from '../password-grant.constants.js';
import { OAuthErrorException } from './oauth-error.exception.js';

/** Node network errors and SQLite lock errors that a retry may cure. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CANTOPEN',
]);

/**
 * PostgreSQL SQLSTATEs of an unreachable or overloaded server: class 08
 * (connection exception), class 53 (insufficient resources), 57014 (a
 * statement timeout), 57P01 to 57P05 (shutdown, restart, idle sessions).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|53...|57014|57P0[1-5])$/;

const UNAVAILABLE_MESSAGE =
  /timeout|Connection terminated|the database system is|database is locked|Driver not Connected/i;

/** True when `exception` or one of its causes says the database is away. */
export function isDatabaseUnavailable(exception: unknown): boolean {
  let current: unknown = exception;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const { code, driverError } = current as {
      code?: unknown;
      driverError?: unknown;
    };
    if (typeof code === 'string') {
      if (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code)) {
        return true;
      }
    }
    if (UNAVAILABLE_MESSAGE.test(current.message)) return true;
    current = driverError ?? current.cause;
  }
  return false;
}

function fromHttpException(exception: HttpException): OAuthErrorException {
  const status = exception.getStatus();
  if (status === 503) return OAuthErrorException.temporarilyUnavailable();
  if (status >= 500) return OAuthErrorException.serverError();
  return new OAuthErrorException(
    'invalid_request',
    status === 413
      ? 'The request body is too large.'
      : 'The request is malformed.',
    { status },
  );
}

function toOAuthError(exception: unknown): OAuthErrorException {
  if (exception instanceof OAuthErrorException) return exception;
  if (exception instanceof HttpException) return fromHttpException(exception);
  return isDatabaseUnavailable(exception)
    ? OAuthErrorException.temporarilyUnavailable()
    : OAuthErrorException.serverError();
}

/**
 * Renders every failure of the OAuth endpoints as an RFC 6749 §5.2 body
 * with `Cache-Control: no-store`. Unexpected errors become `server_error`
 * or, when the database is unreachable, `temporarily_unavailable` with
 * `Retry-After`; their messages are logged without request data and never
 * sent.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('PasswordGrant');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const error = toOAuthError(exception);
    if (
      error.error === 'server_error' ||
      error.error === 'temporarily_unavailable'
    ) {
      const name = exception instanceof Error ? exception.name : 'Error';
      this.logger.error(`${error.error}: ${name}`);
    } else if (error.detail) {
      this.logger.debug(`${error.error}: ${error.detail}`);
    }
    const adapter = this.adapterHost.httpAdapter;
    const response: unknown = host.switchToHttp().getResponse();
    const headers = {
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
      ...error.headers,
    };
    for (const [name, value] of Object.entries(headers)) {
      adapter.setHeader(response, name, value);
    }
    adapter.reply(response, error.getResponse(), error.getStatus());
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A global filter for what happens before a controller runs: the body
 * parsers of Express and Fastify reject a malformed or oversized body
 * before the controller's own filter can see it. Under the OAuth route
 * prefix it answers like {@link OAuthExceptionFilter}; every other path
 * gets Nest's default answer, unchanged.
 */
export class OAuthRequestErrorFilter extends BaseExceptionFilter {
  private readonly oauthPath: RegExp;
  private readonly oauth: OAuthExceptionFilter;

  constructor(
    private readonly adapters: HttpAdapterHost,
    routePrefix: string,
  ) {
    super(adapters.httpAdapter);
    const prefix = escapeRegExp(routePrefix.replace(/^\/+|\/+$/g, ''));
    this.oauthPath = new RegExp(`(^|/)${prefix}/[^/]+/?$`);
    this.oauth = new OAuthExceptionFilter(adapters);
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    const request: unknown = host.switchToHttp().getRequest();
    const url = String(this.adapters.httpAdapter.getRequestUrl(request));
    if (this.oauthPath.test(url.split('?')[0])) {
      this.oauth.catch(exception, host);
    } else {
      super.catch(exception, host);
    }
  }
}

/**
 * Makes errors raised before the OAuth controllers run (a malformed JSON or
 * form body, a body over the parser's limit, an unsupported media type)
 * answer with an RFC 6749 §5.2 `invalid_request` body and `no-store`
 * headers, on Express and Fastify alike, instead of Nest's default body.
 * Call it before `app.init()` or `app.listen()`. Other paths keep Nest's
 * default answers; a catch-all global filter of your own registered after
 * it takes precedence.
 *
 * @example
 * const app = await NestFactory.create(AppModule);
 * useOAuthErrorResponses(app);
 * await app.listen(3000);
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 * @publicApi
 */
export function useOAuthErrorResponses(
  app: INestApplication,
  options: { routePrefix?: string } = {},
): void {
  const prefix = options.routePrefix ?? DEFAULT_ROUTE_PREFIX;
  app.useGlobalFilters(
    new OAuthRequestErrorFilter(app.get(HttpAdapterHost), prefix),
  );
}
