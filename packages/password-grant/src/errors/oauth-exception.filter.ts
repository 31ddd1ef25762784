import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { OAuthErrorException } from './oauth-error.exception.js';

const CONNECTION_FAILURE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|timeout|Connection terminated|SQLITE_BUSY|SQLITE_CANTOPEN|database is locked|the database system is/i;

function toOAuthError(exception: unknown): OAuthErrorException {
  if (exception instanceof OAuthErrorException) return exception;
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const error = new OAuthErrorException(
      'invalid_request',
      status === 413
        ? 'The request body is too large.'
        : 'The request is malformed.',
    );
    Object.defineProperty(error, 'status', {
      value: status < 500 ? status : 400,
    });
    return error;
  }
  const message = exception instanceof Error ? exception.message : '';
  const code = (exception as { code?: unknown } | null)?.code;
  return CONNECTION_FAILURE.test(`${message} ${String(code)}`)
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
